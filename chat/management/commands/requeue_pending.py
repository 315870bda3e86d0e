"""Hand messages stuck in `pending` (a crashed worker, a lost task) to the pipeline again."""

from django.conf import settings
from django.core.management.base import BaseCommand

from chat.services.submission import messages_requeue_stale


class Command(BaseCommand):
    help = "Re-run the delivery pipeline for messages pending longer than PIPELINE_STALE_SECONDS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", type=int, default=settings.PIPELINE_STALE_SECONDS)

    def handle(self, *args, older_than: int, **options) -> None:
        count = messages_requeue_stale(older_than_seconds=older_than)
        self.stdout.write(f"requeued {count} message(s)")
