"""Closed conversations keep their messages for CLOSED_CONVERSATION_RETENTION_DAYS, then lose
them; moderation keeps what it needs."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat.models import Conversation, Message, Participant
from chat.services.conversations import closed_history_purge
from moderation.models import AuditEvent, ModerationCase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def closed(make_user, make_conversation):
    """A conversation closed 100 days ago: an ordinary message, one under review, one whose
    case a moderator decided."""
    ana, ben = make_user(), make_user()
    conversation = make_conversation(ana, ben)
    Conversation.objects.filter(pk=conversation.pk).update(
        closed_at=timezone.now() - timedelta(days=100)
    )
    plain, pending, decided = (
        Message.objects.create(
            conversation=conversation, sender=ana, client_id=name, text=name, status="delivered"
        )
        for name in ("plain", "pending", "decided")
    )
    for message, status in ((pending, "pending"), (decided, "approved")):
        case = ModerationCase.objects.create(
            source="pipeline", subject=ana, message=message, status=status, reason="phone"
        )
        AuditEvent.objects.create(action="auto_flag", case=case, message=message, subject=ana)
    return conversation


def test_past_the_retention_only_what_moderators_still_need_stays(closed, settings):
    settings.CLOSED_CONVERSATION_RETENTION_DAYS = 90

    assert closed_history_purge() == 2

    assert list(Message.objects.values_list("client_id", flat=True)) == ["pending"]
    decided = ModerationCase.objects.get(status="approved")
    assert decided.message is None and decided.reason == "phone"  # the record stays
    assert AuditEvent.objects.count() == 2
    assert Participant.objects.filter(conversation=closed).count() == 2


def test_within_the_retention_or_with_none_nothing_goes(closed, settings):
    settings.CLOSED_CONVERSATION_RETENTION_DAYS = 120
    assert closed_history_purge() == 0
    settings.CLOSED_CONVERSATION_RETENTION_DAYS = 0
    assert closed_history_purge() == 0
    assert Message.objects.count() == 3


def test_an_open_conversation_is_never_purged(make_user, make_conversation, settings):
    settings.CLOSED_CONVERSATION_RETENTION_DAYS = 1
    ana, ben = make_user(), make_user()
    conversation = make_conversation(ana, ben)
    Message.objects.create(conversation=conversation, sender=ana, client_id="x", text="old")
    Message.objects.update(created_at=timezone.now() - timedelta(days=400))

    assert closed_history_purge() == 0
