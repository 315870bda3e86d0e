"""Create an API key for the host app's backend and print it: the only time it is shown."""

from django.core.management.base import BaseCommand, CommandError

from chat.models import ApiKey
from chat.services.api_keys import api_key_create


class Command(BaseCommand):
    help = "Create a server API key (printed once; only its digest is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="who uses it, e.g. 'dating-app backend'")
        parser.add_argument(
            "--scope",
            action="append",
            choices=ApiKey.Scope.values,
            help="repeatable; default: every scope",
        )

    def handle(self, *args, name: str, scope: list[str] | None, **options) -> None:
        try:
            key, plaintext = api_key_create(name=name, scopes=scope or ApiKey.Scope.values)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stderr.write(f"API key {key.pk} ({', '.join(key.scopes)}); store it now:")
        self.stdout.write(plaintext)
