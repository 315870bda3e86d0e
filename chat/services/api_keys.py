"""API keys of the host app's backend: created (and shown) once, checked, revoked.

A key reads `xk_<prefix>_<secret>`. The prefix finds the row; only the SHA-256 of the secret is
stored. The secret is 256 random bits, so a plain hash is enough (no password hashing: nothing
to guess), and checks compare in constant time.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from chat.models import ApiKey

# A key's last use is written at most this often (not on every request).
LAST_USED_EVERY = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_create(*, name: str, scopes: Iterable[str]) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is never stored nor shown again."""
    scopes = sorted(set(scopes))
    unknown = set(scopes) - set(ApiKey.Scope.values)
    if unknown or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(ApiKey.Scope.values)}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(name=name, prefix=prefix, digest=_digest(secret), scopes=scopes)
    return key, f"xk_{prefix}_{secret}"


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())


def api_key_check(plaintext: str) -> ApiKey | None:
    """The live key `plaintext` is, or None (unknown, malformed, wrong secret or revoked)."""
    parts = plaintext.split("_", 2) if plaintext.startswith("xk_") else []
    if len(parts) != 3 or not parts[1] or not parts[2]:
        return None
    key = ApiKey.objects.filter(prefix=parts[1], revoked_at__isnull=True).first()
    if key is None or not constant_time_compare(key.digest, _digest(parts[2])):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
