"""What the host app's backend does through the server API: provision its users by its own
ids (no passwords in xlate), and open a conversation for each match, closing it on unmatch."""

import re
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from chat.errors import ClientError
from chat.models import Conversation, Participant, Profile
from chat.selectors import blocked_between
from chat.services.conversations import (
    conversation_announce,
    conversation_close,
    conversation_start,
)
from chat.services.profiles import BIO_MAX_CHARS
from chat.services.sessions import sockets_recheck
from chat.tokens import user_tokens_revoke
from chat.urls_check import is_http_url

# The characters of a Django username: a host id becomes the user's username.
EXTERNAL_ID = re.compile(r"[A-Za-z0-9@.+_-]{1,150}")
_COUNTRY = re.compile(r"[A-Z]{2}")


def _check_external_id(external_id: str, what: str = "external_id") -> None:
    if not EXTERNAL_ID.fullmatch(external_id):
        raise ClientError(
            "invalid_field", f"{what} is 1 to 150 letters, digits and @ . + - _ characters"
        )


def host_user_upsert(
    *,
    external_id: str,
    display_name: str,
    language: str,
    country: str = "",
    bio: str = "",
    avatar_url: str = "",
) -> tuple[AbstractBaseUser, bool]:
    """Create or update the host's user `external_id`; returns (user, created). A user the
    host or a moderator deactivated stays deactivated."""
    _check_external_id(external_id)
    if language not in settings.SUPPORTED_LANGUAGES:
        raise ClientError(
            "unsupported_language",
            f"language must be one of {', '.join(settings.SUPPORTED_LANGUAGES)}",
        )
    if country and not _COUNTRY.fullmatch(country):
        raise ClientError("invalid_field", "country is an ISO 3166-1 alpha-2 code, e.g. ES")
    if len(display_name) > 150 or len(bio) > BIO_MAX_CHARS:
        raise ClientError(
            "invalid_field",
            f"display_name is at most 150 characters, bio at most {BIO_MAX_CHARS}",
        )
    if avatar_url and not is_http_url(avatar_url):
        raise ClientError("invalid_field", "avatar_url is an http(s) URL of at most 500 characters")
    users = get_user_model().objects
    with transaction.atomic():
        profile = (
            Profile.objects.select_for_update().select_related("user")
            .filter(external_id=external_id).first()
        )  # fmt: skip
        created = profile is None
        if created:
            if users.filter(username=external_id).exists():
                raise ClientError("external_id_taken", "a local user already has that name")
            try:
                with transaction.atomic():
                    user = users.create_user(username=external_id, first_name=display_name)
            except IntegrityError:  # the same id raced in from another request
                raise ClientError("external_id_taken", "that user is being created") from None
            profile = Profile(user=user, external_id=external_id)
        user = profile.user
        if user.first_name != display_name:
            user.first_name = display_name
            user.save(update_fields=["first_name"])
        if not created and profile.bio != bio:
            profile.bio_version += 1  # translated copies of the old bio are stale
        profile.language, profile.country = language, country
        profile.bio, profile.avatar_url = bio, avatar_url
        profile.save()
    return user, created


def host_user_get(*, external_id: str) -> Profile:
    profile = Profile.objects.select_related("user").filter(external_id=external_id).first()
    if profile is None:
        raise ClientError("not_found", "no user with that external_id")
    return profile


def host_user_deactivate(*, external_id: str) -> Profile:
    """The user can no longer log in, hold a token or send; their open sockets are closed."""
    profile = host_user_get(external_id=external_id)
    with transaction.atomic():
        get_user_model().objects.filter(pk=profile.user_id).update(is_active=False)
        user_tokens_revoke(user_id=profile.user_id)
        sockets_recheck(user_id=profile.user_id)
    profile.user.is_active = False
    return profile


def host_tokens_revoke(*, external_id: str) -> None:
    """End every token the user holds; their sockets opened with one are closed."""
    profile = host_user_get(external_id=external_id)
    with transaction.atomic():
        user_tokens_revoke(user_id=profile.user_id)
        sockets_recheck(user_id=profile.user_id)


def match_open(
    *, match_id: str, external_ids: Sequence[str], translate: bool = False
) -> tuple[Conversation, bool]:
    """The conversation of the host's match (created once: the same request again returns
    it); returns (conversation, created). `translate` opts both members in."""
    _check_external_id(match_id, "match_id")
    ids = list(external_ids)
    if len(ids) != 2 or len(set(ids)) != 2:
        raise ClientError("invalid_field", "a match has exactly two different users")
    existing = match_get(match_id=match_id, missing_ok=True)
    if existing is not None:
        return _same_members(existing, ids), False
    profiles = list(Profile.objects.select_related("user").filter(external_id__in=ids))
    if len(profiles) != 2:
        raise ClientError("not_found", "both users must be provisioned first")
    if not all(p.user.is_active for p in profiles):
        raise ClientError("user_inactive", "a deactivated user cannot be matched")
    if blocked_between(profiles[0].user_id, profiles[1].user_id):
        raise ClientError("blocked", "one of the two users blocked the other")
    try:
        with transaction.atomic():
            conversation = conversation_start(users=[p.user for p in profiles])
            Conversation.objects.filter(pk=conversation.pk).update(external_id=match_id)
            conversation.external_id = match_id
            if translate:
                Participant.objects.filter(conversation=conversation).update(translate=True)
            conversation_announce(conversation=conversation)
    except IntegrityError:  # the same match raced in from another request
        return _same_members(match_get(match_id=match_id), ids), False
    return conversation, True


def _same_members(conversation: Conversation, external_ids: list[str]) -> Conversation:
    members = set(
        Profile.objects.filter(user__participations__conversation=conversation).values_list(
            "external_id", flat=True
        )
    )
    if members != set(external_ids):
        raise ClientError("match_conflict", "that match_id belongs to other users")
    return conversation


def match_get(*, match_id: str, missing_ok: bool = False) -> Conversation | None:
    conversation = Conversation.objects.filter(external_id=match_id).first()
    if conversation is None and not missing_ok:
        raise ClientError("not_found", "no match with that match_id")
    return conversation


def match_close(*, match_id: str) -> Conversation:
    """Unmatch: members keep the history and are told at once; nobody can send any more."""
    conversation = match_get(match_id=match_id)
    return conversation_close(conversation=conversation, reason=Conversation.CloseReason.UNMATCHED)
