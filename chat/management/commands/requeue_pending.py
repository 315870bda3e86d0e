"""Hand messages stuck in `pending` (a crashed worker, a lost task) to the pipeline again."""

from django.conf import settings
from django.core.management.base import BaseCommand

from chat.dispatch import enqueue_pipeline
from chat.services import message_ids_pending


class Command(BaseCommand):
    help = "Re-run the delivery pipeline for messages pending longer than PIPELINE_STALE_SECONDS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", type=int, default=settings.PIPELINE_STALE_SECONDS)

    def handle(self, *args, older_than: int, **options) -> None:
        ids = message_ids_pending(older_than_seconds=older_than)
        for message_id in ids:
            enqueue_pipeline(message_id)
        self.stdout.write(f"requeued {len(ids)} message(s)")
