"""The moderators' leads' page: messages per hour, cases opened and decided, the queue and
the median time to decision."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import Message
from moderation.models import ModerationCase
from moderation.overview import overview

pytestmark = pytest.mark.django_db


def case(subject, *, opened_minutes_ago, decided_after=None):
    made = ModerationCase.objects.create(
        source=ModerationCase.Source.REPORT, subject=subject, reason="link"
    )
    opened = timezone.now() - timedelta(minutes=opened_minutes_ago)
    decided = opened + timedelta(minutes=decided_after) if decided_after is not None else None
    ModerationCase.objects.filter(pk=made.pk).update(
        created_at=opened,
        decided_at=decided,
        status=ModerationCase.Status.PENDING if decided is None else ModerationCase.Status.APPROVED,
    )


def test_the_figures_count_the_last_day_by_hour_and_the_median_wait(make_user, make_conversation):
    ana, bea = make_user(), make_user()
    conversation = make_conversation(ana, bea)
    for n in range(3):
        Message.objects.create(conversation=conversation, sender=ana, client_id=f"m{n}", text="hi")
    case(ana, opened_minutes_ago=5)
    case(ana, opened_minutes_ago=600, decided_after=10)
    case(ana, opened_minutes_ago=700, decided_after=30)
    case(ana, opened_minutes_ago=800, decided_after=50)

    figures = overview()

    assert figures.messages.total == 3 and figures.messages.counts[-1] == 3
    assert figures.opened.total == 4 and figures.decided.total == 3
    assert figures.pending == 1
    assert figures.median_minutes_to_decision == pytest.approx(30)
    assert len(figures.messages.counts) == 24


def test_the_page_is_for_staff_who_may_view_cases(moderator, make_user):
    url = reverse("moderation:overview")
    outsider = Client()
    outsider.force_login(make_user())
    assert outsider.get(url).status_code == 403
    lead = Client()
    lead.force_login(moderator)
    page = lead.get(url)
    assert page.status_code == 200
    assert b"Messages per hour" in page.content and b"<svg" in page.content
