"""Content-hash cache of translations, shared by every process through the database."""

import hashlib
import re

from django.db import connection
from django.utils import timezone

from translation.models import CachedTranslation
from xlate_site import metrics

_WHITESPACE = re.compile(r"\s+")


def normalize_for_key(text: str) -> str:
    """Collapse whitespace only: case, punctuation and emoji change meaning, so they stay."""
    return _WHITESPACE.sub(" ", text).strip()


def cache_key(
    *, text: str, source: str, target: str, prompt_version: str, glossary: tuple[str, ...] = ()
) -> str:
    """Key of one translation. Only glossary terms that occur in the text belong in it, so
    the same words share an entry across conversations."""
    parts = (prompt_version, source, target, "\x1e".join(glossary), normalize_for_key(text))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def cache_get(key: str) -> CachedTranslation | None:
    """Return the cached entry for key and count the hit (one statement), or None on a miss."""
    table = CachedTranslation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET hits = hits + 1, last_used_at = %s WHERE key = %s "
            "RETURNING text, provider, model",
            [timezone.now(), key],
        )
        row = cursor.fetchone()
    metrics.CACHE_LOOKUPS.labels("miss" if row is None else "hit").inc()
    if row is None:
        return None
    text, provider, model = row
    return CachedTranslation(key=key, text=text, provider=provider, model=model)


def cache_put(
    *,
    key: str,
    source: str,
    target: str,
    prompt_version: str,
    source_text: str,
    text: str,
    provider: str,
    model: str,
) -> CachedTranslation:
    """Store a translation; when another process stored the key first, keep and return theirs."""
    CachedTranslation.objects.bulk_create(
        [
            CachedTranslation(
                key=key,
                source_language=source,
                target_language=target,
                prompt_version=prompt_version,
                source_text=normalize_for_key(source_text),
                text=text,
                provider=provider,
                model=model,
            )
        ],
        ignore_conflicts=True,
    )
    return CachedTranslation.objects.get(key=key)
