"""Create the demo: two users who read different languages, and a conversation between them."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from chat.context import conversation_context_forget
from chat.models import Conversation, Participant, Profile
from chat.services.conversations import conversation_start

DEMO_USERS = (("alice", "en", "US"), ("bruno", "es", "ES"))


class Command(BaseCommand):
    help = "Create (or reset the passwords of) the demo users alice and bruno, and their chat."

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        users = []
        with transaction.atomic():
            for username, language, country in DEMO_USERS:
                user, _ = User.objects.get_or_create(username=username)
                user.set_password(password)
                user.save()
                Profile.objects.update_or_create(
                    user=user, defaults={"language": language, "country": country}
                )
                users.append(user)
            shared = (
                Conversation.objects.filter(participants__user=users[0])
                .filter(participants__user=users[1], kind=Conversation.Kind.DIRECT)
                .first()
            )
            if shared is None:
                shared = conversation_start(users=users)
            # Bruno reads Alice in Spanish from the start; Alice can opt in from the page.
            Participant.objects.filter(conversation=shared, user=users[1]).update(translate=True)
            conversation_context_forget(shared.pk)
        self.stdout.write("Demo ready. Log in at http://127.0.0.1:8000/ as:")
        for username, language, _ in DEMO_USERS:
            self.stdout.write(f"  {username} / {password}   (reads {language})")
