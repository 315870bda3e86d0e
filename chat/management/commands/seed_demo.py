"""Create the demo: users who read different languages, and one conversation between two of them.

`./scripts/run` runs this on every start, so it only creates what is missing: a demo user who
already exists keeps their password and settings, and stays signed in (Django's session hash
depends on the password). The generated password is stored in a private, git-ignored file and
printed on every run; DEMO_PASSWORD sets another one explicitly.
"""

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from chat.context import conversation_context_forget
from chat.models import Conversation, Participant, Profile
from chat.services.conversations import conversation_start

DEFAULT_ADDR = "127.0.0.1:8000"
PASSWORD_FILE = ".demo-password"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    language: str
    country: str
    bio: str


DEMO_USERS = (
    DemoUser(
        "alice", "Alice", "en", "US",
        "Coffee, long walks and bad puns. Learning Spanish one song at a time.",
    ),
    DemoUser(
        "bruno", "Bruno", "es", "ES",
        "Cocinero en Valencia. Me encantan el mar, la paella y las conversaciones largas.",
    ),
    DemoUser(
        "chloe", "Chloé", "fr", "FR",
        "Libraire à Lyon. Je lis de tout, surtout des polars, et je cherche quelqu'un "
        "pour aller au cinéma.",
    ),
    DemoUser(
        "dieter", "Dieter", "de", "DE",
        "Ingenieur aus Hamburg. Am Wochenende segle ich oder backe Brot.",
    ),
    DemoUser(
        "giulia", "Giulia", "it", "IT",
        "Architetta a Torino. Amo la montagna, i film in bianco e nero e il caffè ristretto.",
    ),
    DemoUser(
        "joao", "João", "pt", "BR",
        "Músico em Salvador. Toco violão, adoro praia e sempre tenho uma playlist nova "
        "para indicar.",
    ),
    # Reads English, sometimes writes Arabic: the pipeline detects the language of each message.
    DemoUser(
        "layla", "Layla", "en", "EG",
        "Translator in Cairo. I read English all day and write Arabic when I'm tired. "
        "أحب القهوة والكتب.",
    ),
)  # fmt: skip
# Alice and Bruno start with a conversation, where Bruno reads Alice translated; the others
# have none, so the web client's "new conversation" picker has someone to start one with.
DEMO_CONVERSATION = ("alice", "bruno")


class Command(BaseCommand):
    help = (
        "Create the demo users (alice, bruno, chloe, dieter, giulia, joao, layla) and the "
        "conversation between alice and bruno, where missing; print how to log in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr",
            default=None,
            help=f"The address the server listens on, as runserver takes it (default: "
            f"XLATE_ADDR, else {DEFAULT_ADDR}); only printed.",
        )
        parser.add_argument(
            "--password-file",
            default=None,
            help=f"Where the generated password is kept (default: {PASSWORD_FILE} in the "
            f"project directory).",
        )

    def handle(self, *args, addr: str | None, password_file: str | None, **options) -> None:
        addr = addr or os.environ.get("XLATE_ADDR") or DEFAULT_ADDR
        path = Path(password_file) if password_file else Path(settings.BASE_DIR) / PASSWORD_FILE
        explicit = os.environ.get("DEMO_PASSWORD", "")
        stored = None if explicit else password_read(path)
        if explicit:
            password, origin = explicit, "from DEMO_PASSWORD"
        elif stored:
            password, origin = stored, f"kept in {path.name}; delete it for a new one"
        else:
            # No stored password: a new one, given to every demo user (nobody can know
            # theirs), and kept for the next runs.
            password, origin = secrets.token_urlsafe(12), f"new, kept in {path.name}"
            password_write(path, password)

        User = get_user_model()
        with transaction.atomic():
            for demo in DEMO_USERS:
                user, created = User.objects.get_or_create(
                    username=demo.username, defaults={"first_name": demo.first_name}
                )
                # check_password costs a hash (a quarter second): only for an explicit password.
                if (
                    created
                    or (not explicit and not stored)
                    or (explicit and not user.check_password(password))
                ):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                Profile.objects.get_or_create(
                    user=user,
                    defaults={"language": demo.language, "country": demo.country, "bio": demo.bio},
                )
            demo_conversation_ensure()

        self.stdout.write(f"Demo ready. Log in at {site_url(addr)} as:")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<7} / {password}   (reads {demo.language})")
        self.stdout.write(f"The password is the same for all ({origin}).")


def demo_conversation_ensure() -> None:
    """The conversation between Alice and Bruno, created once, with Bruno reading translated."""
    users = [get_user_model().objects.get(username=name) for name in DEMO_CONVERSATION]
    shared = (
        Conversation.objects.filter(kind=Conversation.Kind.DIRECT, participants__user=users[0])
        .filter(participants__user=users[1])
        .first()
    )
    if shared is None:
        shared = conversation_start(users=users)
        Participant.objects.filter(conversation=shared, user=users[1]).update(translate=True)
        conversation_context_forget(shared.pk)


def password_read(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def password_write(path: Path, password: str) -> None:
    """Write the password readable by its owner only (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    os.chmod(path, 0o600)  # a file that already existed keeps its mode through os.open


def site_url(addr: str) -> str:
    """The URL a browser opens for runserver's address ("8000", "0.0.0.0:8000", "[::]:8000")."""
    host, _, port = addr.rpartition(":")
    if not re.fullmatch(r"\d+", port):
        host, port = addr, "8000"
    if host in {"", "0", "0.0.0.0"}:
        host = "127.0.0.1"
    elif host in {"[::]", "::"}:
        host = "[::1]"
    return f"http://{host}:{port}/"
