"""Profiles and bios: what a member says about themself, translated for whoever reads it."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from chat.broadcast import broadcast_on_commit, user_group
from chat.dispatch import enqueue
from chat.errors import ClientError
from chat.models import Participant, Profile
from chat.payloads import DEMO_PROVIDERS
from chat.selectors import member_views, person_visible
from translation.engine import CallContext
from translation.services import source_language_of, translation_into

BIO_MAX_CHARS = 2000
DISPLAY_NAME_MAX_CHARS = 150


def profile_ensure(*, user: AbstractBaseUser) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def profile_bio_update(*, user: AbstractBaseUser, bio: str) -> Profile:
    """Replace the user's bio; a new version makes every translated copy stale."""
    if len(bio) > BIO_MAX_CHARS:
        raise ClientError("bio_too_long", f"a bio is at most {BIO_MAX_CHARS} characters")
    profile = profile_ensure(user=user)
    if bio != profile.bio:
        profile.bio = bio
        profile.bio_version += 1
        profile.save(update_fields=["bio", "bio_version"])
    return profile


def profile_settings_update(
    *,
    user: AbstractBaseUser,
    language: str | None = None,
    interface_language: str | None = None,
    display_name: str | None = None,
) -> Profile:
    """Change the user's own settings (None leaves one as it is). A new reading language
    reaches every conversation that follows it: the pipeline's cached contexts, the open
    sockets (`translation.settings`) and the recent messages (translated again)."""
    supported = settings.SUPPORTED_LANGUAGES
    if (language is not None and language not in supported) or (
        interface_language and interface_language not in supported
    ):
        raise ClientError("unsupported_language", f"languages are among {', '.join(supported)}")
    if display_name is not None and len(display_name) > DISPLAY_NAME_MAX_CHARS:
        raise ClientError(
            "invalid_field", f"display_name is at most {DISPLAY_NAME_MAX_CHARS} characters"
        )
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=user)
        wanted = {"language": language, "interface_language": interface_language}
        changed = [
            field
            for field, value in wanted.items()
            if value is not None and getattr(profile, field) != value
        ]
        for field in changed:
            setattr(profile, field, wanted[field])
        if changed:
            # save() forgets the cached contexts of the user's conversations (chat/context.py).
            profile.save(update_fields=changed)
        if "language" in changed:
            _reading_language_changed(user=user, language=profile.language)
        if display_name is not None and display_name != user.first_name:
            user.first_name = display_name
            user.save(update_fields=["first_name"])
    return profile


def _reading_language_changed(*, user: AbstractBaseUser, language: str) -> None:
    """Conversations that follow the profile's language read the new one from now on."""
    following = Participant.objects.filter(user=user, language="")
    for participant in following:
        broadcast_on_commit(
            user_group(user.pk),
            {
                "type": "chat.settings",
                "conversation": participant.conversation_id,
                "translate": participant.translate,
                "language": language,
            },
        )
        if participant.translate:
            transaction.on_commit(
                lambda pk=participant.pk: enqueue("chat.backfill_translations", participant_id=pk)
            )


def check_bio_read(
    *, viewer: AbstractBaseUser, user_id: int, language: str | None = None
) -> dict[str, Any]:
    """Someone's bio as the viewer sees it, translated into `language` (default: the viewer's
    reading language). Only for a person the viewer shares a conversation with, or anyone in
    the directory when it is on; never for a viewer the owner blocked."""
    if language is None:
        language = profile_ensure(user=viewer).language
    if language not in settings.SUPPORTED_LANGUAGES:
        raise ClientError(
            "unsupported_language",
            f"lang must be one of {', '.join(settings.SUPPORTED_LANGUAGES)}",
        )
    profile = Profile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or not (
        user_id == viewer.pk or person_visible(viewer=viewer, user_id=user_id)
    ):
        raise ClientError("not_found", "no such person")
    bio = _bio(profile, language, reader_id=viewer.pk)
    return {"user": member_views(user_ids=[user_id])[user_id], **bio}


def _bio(profile: Profile, language: str, *, reader_id: int) -> dict[str, Any]:
    """The bio and its translation into `language`, charged to the reader who asked for it."""
    source = source_language_of(profile.bio, fallback=profile.language)
    translation = None
    if profile.bio.strip() and source != language:
        result = translation_into(
            text=profile.bio,
            source=source,
            target=language,
            glossary=[profile.user.get_username(), profile.user.first_name],
            context=CallContext(user_id=reader_id, purpose="bio"),
        )
        translation = {
            "language": language,
            "status": result.status,
            "reason": result.reason,
            "text": result.text,
            "provider": result.provider,
            "model": result.model,
            "demo": result.provider in DEMO_PROVIDERS,
        }
    return {
        "bio": profile.bio,
        "bio_version": profile.bio_version,
        "source_language": source,
        "translation": translation,
    }
