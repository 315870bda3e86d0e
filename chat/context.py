"""The facts about a conversation that the pipeline reads for every message, cached.

Members (with their reading settings and profiles) and the glossary change rarely and are read
for every message, so they live in the shared cache (Redis in the scale-out mode) and are
forgotten whenever one of the rows they come from is saved or deleted. The receivers below
cover every writer that goes through model saves, the admin included; code that changes those
rows with `QuerySet.update()` calls `conversation_context_forget` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from chat.models import Conversation, Participant, Profile

# Long, because every change forgets the entry; the timeout only bounds a missed forget.
CONTEXT_SECONDS = 600
_KEY = "chat:context:v1:{}"


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    username: str
    first_name: str
    # Opted in to translation in this conversation, and the language they read it in.
    translate: bool
    reading_language: str
    # The profile's language (what the member writes, when detection cannot tell) and country.
    language: str
    country: str


@dataclass(frozen=True, slots=True)
class ConversationContext:
    conversation_id: int
    members: tuple[Member, ...]
    glossary: tuple[str, ...]

    def member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def reader_languages(self, *, exclude_user_id: int) -> set[str]:
        """Reading languages of the members who opted in to translation, the sender excluded."""
        return {
            m.reading_language for m in self.members if m.translate and m.user_id != exclude_user_id
        }

    def languages(self) -> list[str]:
        """Every language the members write or read in, each once, in member order."""
        seen = (code for m in self.members for code in (m.language, m.reading_language))
        return list(dict.fromkeys(code for code in seen if code))

    def terms(self) -> list[str]:
        """Words translation keeps as written: the glossary and the members' names."""
        names = {name for m in self.members for name in (m.username, m.first_name) if name}
        return sorted(names | set(self.glossary))


def conversation_context(*, conversation_id: int) -> ConversationContext | None:
    """The conversation's members and glossary, from the cache or the database."""
    key = _KEY.format(conversation_id)
    context = cache.get(key)
    if context is None:
        context = _load(conversation_id)
        if context is not None:
            cache.set(key, context, CONTEXT_SECONDS)
    return context


def conversation_context_forget(*conversation_ids: int) -> None:
    """Drop cached contexts once the current transaction commits (a reader in between would
    otherwise cache the old rows again)."""
    keys = [_KEY.format(cid) for cid in conversation_ids]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _load(conversation_id: int) -> ConversationContext | None:
    glossary = Conversation.objects.filter(pk=conversation_id).values_list("glossary", flat=True)
    if not glossary:
        return None
    default_language = Profile._meta.get_field("language").default
    rows = Participant.objects.filter(conversation_id=conversation_id).values_list(
        "user_id",
        "user__username",
        "user__first_name",
        "translate",
        "language",
        "user__profile__language",
        "user__profile__country",
    )
    members = tuple(
        Member(
            user_id=user_id,
            username=username,
            first_name=first_name,
            translate=translate,
            reading_language=chosen or profile_language or default_language,
            language=profile_language or default_language,
            country=country or "",
        )
        for user_id, username, first_name, translate, chosen, profile_language, country in rows
    )
    terms = tuple(str(term) for term in glossary[0] if term)
    return ConversationContext(conversation_id, members, terms)


def _conversations_of(user_id: int) -> list[int]:
    return list(
        Participant.objects.filter(user_id=user_id).values_list("conversation_id", flat=True)
    )


# The fields each cached row comes from; a save that names others (a login's last_login, a
# bio edit, a read marker) leaves the cache alone.
_PARTICIPANT_FIELDS = frozenset({"translate", "language", "user", "conversation"})
_CONVERSATION_FIELDS = frozenset({"glossary"})
_PERSON_FIELDS = frozenset({"username", "first_name", "language", "country", "user"})


def _relevant(fields: frozenset[str], update_fields) -> bool:
    return update_fields is None or not fields.isdisjoint(update_fields)


def _participant_changed(sender, instance: Participant, update_fields=None, **kwargs) -> None:
    if _relevant(_PARTICIPANT_FIELDS, update_fields):
        conversation_context_forget(instance.conversation_id)


def _conversation_changed(sender, instance: Conversation, update_fields=None, **kwargs) -> None:
    if _relevant(_CONVERSATION_FIELDS, update_fields):
        conversation_context_forget(instance.pk)


def _person_changed(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created and not isinstance(instance, Profile):
        return  # a new account is in no conversation yet
    if _relevant(_PERSON_FIELDS, update_fields):
        user_id = instance.user_id if isinstance(instance, Profile) else instance.pk
        conversation_context_forget(*_conversations_of(user_id))


def connect_receivers() -> None:
    """Called once from ChatConfig.ready()."""
    for signal in (post_save, post_delete):
        signal.connect(_participant_changed, sender=Participant, dispatch_uid=f"ctx-p-{signal}")
        signal.connect(_conversation_changed, sender=Conversation, dispatch_uid=f"ctx-c-{signal}")
        signal.connect(_person_changed, sender=Profile, dispatch_uid=f"ctx-pr-{signal}")
        signal.connect(
            _person_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid=f"ctx-u-{signal}"
        )
