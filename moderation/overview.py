"""The key figures of the moderators' leads' page: traffic and the queue, hour by hour."""

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from chat.models import Message
from moderation.models import ModerationCase

__all__ = ["Overview", "overview"]

HOURS = 24
# Decisions the median time to decision is taken over.
DECISION_DAYS = 7
_MAX_DECISIONS = 10_000


@dataclass(frozen=True, slots=True)
class Series:
    """Counts per hour, oldest first, for the last HOURS hours."""

    label: str
    hours: tuple[datetime, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def peak(self) -> int:
        return max(self.counts, default=0)


@dataclass(frozen=True, slots=True)
class Overview:
    messages: Series
    opened: Series
    decided: Series
    pending: int
    median_minutes_to_decision: float | None
    decisions_measured: int


def _hours(now: datetime) -> tuple[datetime, ...]:
    last = now.replace(minute=0, second=0, microsecond=0)
    return tuple(last - timedelta(hours=HOURS - 1 - n) for n in range(HOURS))


def _series(label: str, queryset, field: str, hours: tuple[datetime, ...]) -> Series:
    rows = (
        queryset.filter(**{f"{field}__gte": hours[0]})
        .annotate(hour=TruncHour(field))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    counts = {row["hour"]: row["n"] for row in rows}
    return Series(label, hours, tuple(counts.get(hour, 0) for hour in hours))


def overview(*, now: datetime | None = None) -> Overview:
    """Messages, cases opened and cases decided per hour over the last day; the queue now;
    the median time from a case's opening to its decision over the last week."""
    now = now or timezone.now()
    hours = _hours(now)
    decided = ModerationCase.objects.filter(
        decided_at__isnull=False, decided_at__gte=now - timedelta(days=DECISION_DAYS)
    ).values_list("created_at", "decided_at")[:_MAX_DECISIONS]
    waits = [(done - opened).total_seconds() / 60 for opened, done in decided]
    return Overview(
        messages=_series("Messages", Message.objects.all(), "created_at", hours),
        opened=_series("Cases opened", ModerationCase.objects.all(), "created_at", hours),
        decided=_series("Cases decided", ModerationCase.objects.all(), "decided_at", hours),
        pending=ModerationCase.objects.filter(status=ModerationCase.Status.PENDING).count(),
        median_minutes_to_decision=statistics.median(waits) if waits else None,
        decisions_measured=len(waits),
    )
