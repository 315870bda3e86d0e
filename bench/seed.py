"""Seed xlate's database for the load benchmark and mint socket tokens (a Django subprocess).

Users get unusable passwords and tokens come from chat.tokens.socket_token_issue, never from
the password endpoint: hashing thousands of passwords would take minutes. bench/load.py runs
it with the target's DATABASE_URL and SECRET_KEY (after `manage.py migrate`):

    .venv/bin/python bench/seed.py users --conversations 100          # conversation_start
    .venv/bin/python bench/seed.py users --conversations 5000 --bulk   # bulk_create
    .venv/bin/python bench/seed.py tokens --out tokens.json

`users` creates 2 × N users (the first of each pair reads "en", the second "es", both with a
Profile), N direct conversations of one pair each, and turns translation on for both members.
`tokens` writes [{"conversation": id, "members": [{"user": id, "token": t}, ...]}, ...].
Django's models are imported inside the functions because django.setup() must run first.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

BATCH = 1000


def seed_users(conversations: int, *, bulk: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from chat.models import Conversation, Participant, Profile
    from chat.services.conversations import conversation_start

    user_model = get_user_model()
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            [
                user_model(username=f"load{n}", password=make_password(None))
                for n in range(2 * conversations)
            ],
            batch_size=BATCH,
        )
        Profile.objects.bulk_create(
            [
                Profile(user=user, language="en" if n % 2 == 0 else "es")
                for n, user in enumerate(users)
            ],
            batch_size=BATCH,
        )
        pairs = [(users[2 * n], users[2 * n + 1]) for n in range(conversations)]
        if not bulk:
            created = [conversation_start(users=list(pair)) for pair in pairs]
        else:
            created = Conversation.objects.bulk_create(
                [Conversation(kind=Conversation.Kind.DIRECT) for _ in pairs], batch_size=BATCH
            )
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user=user)
                    for conversation, pair in zip(created, pairs, strict=True)
                    for user in pair
                ],
                batch_size=BATCH,
            )
        Participant.objects.filter(conversation__in=[c.pk for c in created]).update(translate=True)
    print(f"seeded {len(users)} users in {len(created)} conversations", file=sys.stderr)


def mint_tokens(out: Path) -> None:
    from chat.models import Participant
    from chat.tokens import socket_token_issue

    conversations: dict[int, list[dict]] = {}
    participants = Participant.objects.select_related("user").order_by("conversation_id", "user_id")
    for participant in participants.iterator(chunk_size=BATCH):
        conversations.setdefault(participant.conversation_id, []).append(
            {"user": participant.user_id, "token": socket_token_issue(user=participant.user)}
        )
    rows = [{"conversation": c, "members": m} for c, m in conversations.items()]
    out.write_text(json.dumps(rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users")
    users.add_argument("--conversations", type=int, required=True)
    users.add_argument("--bulk", action="store_true")
    tokens = commands.add_parser("tokens")
    tokens.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    django.setup()
    if args.command == "users":
        seed_users(args.conversations, bulk=args.bulk)
    else:
        mint_tokens(args.out)


if __name__ == "__main__":
    main()
