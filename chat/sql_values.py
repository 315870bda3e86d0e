"""Datetimes through the message path's plain statements, the same on PostgreSQL and SQLite.

Django's ORM converts datetimes both ways; a plain statement must do it itself: SQLite stores
naive UTC text and hands back naive datetimes where PostgreSQL takes and gives aware ones.
"""

from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone


def to_db(value: datetime | None):
    """A datetime as a statement parameter (None stays NULL)."""
    return connection.ops.adapt_datetimefield_value(value) if value is not None else None


def from_db(value: datetime | None) -> datetime | None:
    """A datetime a statement returned, aware in UTC (None stays None)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value
