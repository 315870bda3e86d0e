"""Profiles and bios: what a member says about themself, translated for whoever reads it."""

from django.contrib.auth.models import AbstractBaseUser

from chat.errors import ClientError
from chat.models import Profile
from chat.payloads import DEMO_PROVIDERS
from translation.engine import CallContext
from translation.services import source_language_of, translation_into

BIO_MAX_CHARS = 2000


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


def profile_bio_translated(*, username: str, language: str) -> dict | None:
    """A bio as a viewer reading `language` sees it (translated on demand, cache first)."""
    profile = Profile.objects.select_related("user").filter(user__username=username).first()
    if profile is None:
        return None
    source = source_language_of(profile.bio, fallback=profile.language)
    translation = None
    if profile.bio.strip() and source != language:
        result = translation_into(
            text=profile.bio,
            source=source,
            target=language,
            glossary=[profile.user.get_username(), profile.user.first_name],
            context=CallContext(user_id=profile.user_id, purpose="bio"),
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
        "username": profile.user.get_username(),
        "bio": profile.bio,
        "bio_version": profile.bio_version,
        "source_language": source,
        "translation": translation,
    }
