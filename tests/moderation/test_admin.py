"""The moderators' workspace in the admin: the queue, a case page, decisions, the live poll
endpoint, and what a moderator (or a regular user) can and cannot reach."""

import asyncio
import importlib
import itertools
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from chat.broadcast import conversation_group
from chat.models import Message, MessageTranslation
from moderation.case_view import highlight_findings
from moderation.models import AuditEvent, ModerationCase, Report, Standing

CASES_URL = "/admin/moderation/moderationcase/"
POLL_URL = "/moderation/cases/latest"
MIGRATION = importlib.import_module("moderation.migrations.0002_moderators_group")
EMAIL_TEXT = "<script>alert(1)</script> write me at bob@example.com"
EMAIL_FINDING = {
    "kind": "email",
    "start": EMAIL_TEXT.index("bob@"),
    "end": len(EMAIL_TEXT),
    "confidence": 0.95,
    "evidence": "e-mail address",
}
decides = pytest.mark.django_db(transaction=True)  # approve/reject broadcast on commit
_client_ids = itertools.count(1)


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def pair(make_user, make_conversation):
    sender = make_user(username="sam", language="fr")
    reader = make_user(username="rita")
    return sender, reader, make_conversation(sender, reader)


def add_message(conversation, sender, text, *, status=Message.Status.DELIVERED, **fields):
    """A message as the pipeline leaves it; a delivered one takes the next sequence number."""
    seq = None
    if status == Message.Status.DELIVERED:
        conversation.last_seq += 1
        conversation.save(update_fields=["last_seq"])
        seq = conversation.last_seq
    return Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id=f"c{next(_client_ids)}",
        text=text,
        source_language="fr",
        status=status,
        seq=seq,
        **fields,
    )


def add_case(message, *, verdict="hold", findings=(), **fields):
    defaults = {
        "source": ModerationCase.Source.PIPELINE,
        "reason": "contact_sharing",
        "primary_kind": "contact_sharing",
        "language": message.source_language,
        "kinds": sorted({f["kind"] for f in findings}),
    }
    return ModerationCase.objects.create(
        message=message,
        subject=message.sender,
        verdict=verdict,
        findings=list(findings),
        **{**defaults, **fields},
    )


def listen(conversation):
    """Join the conversation's broadcast group; the returned function reads one event."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(conversation_group(conversation.pk), channel)

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=2)

    return async_to_sync(receive)


def run_action(client, action, *cases):
    return client.post(
        CASES_URL, {"action": action, "_selected_action": [case.pk for case in cases]}
    )


def decide(client, case, decision, note=""):
    return client.post(f"{CASES_URL}{case.pk}/decide/", {"decision": decision, "note": note})


@pytest.mark.django_db
def test_the_migration_gives_moderators_exactly_the_queue_permissions():
    group = Group.objects.get(name="Moderators")

    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))

    assert codenames == set(MIGRATION.PERMISSIONS)


def test_the_queue_lists_pending_cases_first_oldest_first_with_counts(mod_client, pair):
    sender, _, conversation = pair
    old_pending = add_case(add_message(conversation, sender, "a", status="held"))
    new_pending = add_case(add_message(conversation, sender, "b", status="held"))
    approved = add_case(add_message(conversation, sender, "c"), status="approved")
    now = timezone.now()
    for case, age in ((old_pending, 3), (new_pending, 1), (approved, 5)):
        ModerationCase.objects.filter(pk=case.pk).update(created_at=now - timedelta(hours=age))

    response = mod_client.get(CASES_URL)

    assert response.status_code == 200
    shown = [case.pk for case in response.context["cl"].result_list]
    assert shown == [old_pending.pk, new_pending.pk, approved.pk]
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "pending: 2" in text and "approved: 1" in text and "rejected: 0" in text
    assert 'data-poll-url="/moderation/cases/latest"' in response.content.decode()
    assert "moderation/live.js" in response.content.decode()


def test_the_queue_filters_by_age_and_searches_subject_and_text(mod_client, pair, make_user):
    sender, _, conversation = pair
    recent = add_case(add_message(conversation, sender, "fresh wallet text", status="held"))
    stale = add_case(add_message(conversation, sender, "old text", status="held"))
    ModerationCase.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=9))

    def listed(query):
        return {case.pk for case in mod_client.get(CASES_URL + query).context["cl"].result_list}

    assert listed("?age=hour") == {recent.pk}
    assert listed("?age=older") == {stale.pk}
    assert listed("?q=wallet") == {recent.pk}
    assert listed("?q=sam") == {recent.pk, stale.pk}
    assert listed(f"?subject__exact={sender.pk}") == {recent.pk, stale.pk}


def test_a_case_page_shows_the_message_escaped_with_its_findings_marked(
    mod_client, pair, moderator
):
    sender, reader, conversation = pair
    add_message(conversation, reader, "<b>bonjour</b>")
    add_message(conversation, sender, "earlier from sam")
    message = add_message(conversation, sender, EMAIL_TEXT, status="held")
    MessageTranslation.objects.create(
        message=message, language="en", text="<i>translated</i> text", provider="offline"
    )
    case = add_case(
        message,
        findings=[EMAIL_FINDING],
        score=7.5,
        score_category="romance_scam",
        score_reason="asks to move off the app",
    )
    Report.objects.create(
        reporter=reader,
        reported=sender,
        conversation=conversation,
        message=message,
        reason="scam",
        comment="<img src=x onerror=alert(2)>",
        case=case,
    )
    AuditEvent.objects.create(action="auto_hold", case=case, message=message, subject=sender)

    response = mod_client.get(f"{CASES_URL}{case.pk}/change/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<mark title="email: e-mail address">bob@example.com</mark>' in page
    assert "&lt;i&gt;translated&lt;/i&gt; text" in page  # the translation, side by side
    assert "&lt;b&gt;bonjour&lt;/b&gt;" in page and "earlier from sam" in page  # context
    assert "&lt;img src=x onerror=alert(2)&gt;" in page  # the report's comment
    assert "romance_scam" in page and "asks to move off the app" in page
    assert "Held by the pipeline" in page  # the audit trail
    assert f'formaction="{CASES_URL}{case.pk}/decide/"' in page


def test_findings_that_overlap_share_a_mark_and_ones_outside_the_text_are_left_out():
    findings = [
        {"kind": "phone", "start": 0, "end": 5, "evidence": "phone"},
        {"kind": "handle", "start": 3, "end": 8, "evidence": "<x>"},
        {"kind": "email", "start": 5, "end": 99, "evidence": "beyond the end"},
    ]

    html = highlight_findings("12345678 & more", findings)

    assert html == '<mark title="phone: phone; handle: &lt;x&gt;">12345678</mark> &amp; more'


def test_only_the_note_and_the_assignee_can_be_edited(mod_client, pair, moderator):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "hi", status="held"))

    response = mod_client.post(
        f"{CASES_URL}{case.pk}/change/",
        {"note": "looks like a scam", "assignee": moderator.pk, "status": "approved"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.note, case.assignee, case.status) == ("looks like a scam", moderator, "pending")


def test_a_moderator_reaches_the_queue_and_nothing_else(mod_client, pair):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "hi", status="held"))
    forbidden = [
        "/admin/auth/user/",
        "/admin/auth/group/",
        "/admin/chat/message/",
        "/admin/chat/conversation/",
        "/admin/chat/profile/",
        "/admin/translation/cachedtranslation/",
        "/admin/translation/providercall/",
        f"{CASES_URL}add/",
        f"{CASES_URL}{case.pk}/delete/",
    ]

    codes = {url: mod_client.get(url).status_code for url in forbidden}
    index = mod_client.get("/admin/").content.decode()
    readable = [
        CASES_URL,
        "/admin/moderation/report/",
        "/admin/moderation/auditevent/",
        "/admin/moderation/standing/",
    ]

    assert set(codes.values()) == {403}, codes
    assert all(mod_client.get(url).status_code == 200 for url in readable)
    assert "/admin/moderation/moderationcase/" in index
    assert "/admin/chat/" not in index and "/admin/auth/" not in index
    assert "/admin/translation/" not in index


def test_a_regular_user_is_sent_to_the_admin_login(client, make_user):
    client.force_login(make_user(username="pat"))

    response = client.get(CASES_URL)

    assert response.status_code == 302 and response.url.startswith("/admin/login/")


def test_the_poll_endpoint_answers_staff_moderators_only(client, mod_client, pair, make_user):
    sender, _, conversation = pair
    first = add_case(add_message(conversation, sender, "a", status="held"))
    latest = add_case(add_message(conversation, sender, "b"), status="approved")

    answer = mod_client.get(POLL_URL)
    since = mod_client.get(f"{POLL_URL}?since={first.pk}")
    posted = mod_client.post(POLL_URL)
    mod_client.logout()
    anonymous = client.get(POLL_URL)
    client.force_login(make_user(username="quinn"))
    regular = client.get(POLL_URL)

    assert answer.status_code == 200 and answer.json() == {"latest_id": latest.pk, "pending": 1}
    assert since.json()["new"] == 1
    assert posted.status_code == 405
    assert anonymous.status_code == 403 and regular.status_code == 403


def test_staff_without_the_case_permissions_get_no_answer_and_no_decisions(client, make_user, pair):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "hi", status="held"))
    viewer = make_user(username="vera")
    viewer.is_staff = True
    viewer.save(update_fields=["is_staff"])
    client.force_login(viewer)

    assert client.get(POLL_URL).status_code == 403
    assert client.get(CASES_URL).status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="view_moderationcase"))
    listing = client.get(CASES_URL)
    assert listing.status_code == 200
    assert "approve_cases" not in listing.content.decode()
    assert decide(client, case, "approve").status_code == 403
    case.refresh_from_db()
    assert case.status == "pending"


@decides
def test_approving_a_held_message_delivers_it_live_and_is_audited(mod_client, pair, moderator):
    sender, _, conversation = pair
    add_message(conversation, sender, "before")
    message = add_message(conversation, sender, "held one", status="held", reason="phone")
    case = add_case(message)
    receive = listen(conversation)

    response = run_action(mod_client, "approve_cases", case)

    assert response.status_code == 302
    case.refresh_from_db()
    message.refresh_from_db()
    assert case.status == "approved" and case.assignee == moderator
    assert message.status == "delivered" and message.seq == 2
    event = AuditEvent.objects.get(action="approve")
    assert event.actor == moderator and event.case == case and event.message == message
    broadcast = receive()
    assert broadcast["type"] == "chat.message" and broadcast["messages"][0]["id"] == message.pk


@decides
def test_rejecting_a_flagged_message_takes_it_back_with_the_note(mod_client, pair, moderator):
    sender, _, conversation = pair
    message = add_message(conversation, sender, "flagged one", reason="phone")
    case = add_case(message, verdict="flag")
    receive = listen(conversation)

    response = decide(mod_client, case, "reject", note="phone number to move off the app")

    assert response.status_code == 302 and response.url.endswith(f"/{case.pk}/change/")
    case.refresh_from_db()
    message.refresh_from_db()
    assert (case.status, case.note) == ("rejected", "phone number to move off the app")
    assert message.status == "rejected"
    assert AuditEvent.objects.filter(action="reject", actor=moderator, case=case).exists()
    assert receive()["type"] == "chat.retract"


@decides
def test_a_decided_case_is_not_decided_again(mod_client, pair):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "x"), status="approved")

    run_action(mod_client, "reject_cases", case)

    case.refresh_from_db()
    assert case.status == "approved"
    assert not AuditEvent.objects.filter(action="reject").exists()


def test_a_decision_needs_a_post_with_the_csrf_token(moderator, pair):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "hi", status="held"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)

    assert browser.get(f"{CASES_URL}{case.pk}/decide/").status_code == 405
    assert decide(browser, case, "ban").status_code == 403
    assert not Standing.objects.exists() and not AuditEvent.objects.exists()


def test_a_moderator_cannot_decide_a_case_about_themselves(
    mod_client, moderator, make_user, make_conversation
):
    conversation = make_conversation(moderator, make_user(username="olga"))
    case = add_case(add_message(conversation, moderator, "mine", status="held"))

    decide(mod_client, case, "approve")
    run_action(mod_client, "ban_subjects", case)

    case.refresh_from_db()
    assert case.status == "pending" and not AuditEvent.objects.exists()


def test_muting_senders_in_bulk_mutes_each_once_for_a_day(mod_client, pair, moderator):
    sender, _, conversation = pair
    cases = [add_case(add_message(conversation, sender, t, status="held")) for t in "ab"]

    run_action(mod_client, "mute_24h", *cases)

    standing = Standing.objects.get(user=sender)
    remaining = standing.muted_until - timezone.now()
    assert timedelta(hours=23) < remaining <= timedelta(hours=24)
    mute = AuditEvent.objects.get(action="mute")
    assert mute.actor == moderator and mute.subject == sender
    assert mute.detail["seconds"] == 86400 and mute.case == cases[0]


def test_banning_from_the_case_page_deactivates_the_sender(mod_client, pair, moderator):
    sender, _, conversation = pair
    case = add_case(add_message(conversation, sender, "scam", status="held"))

    decide(mod_client, case, "ban")
    decide(mod_client, case, "ban")

    sender.refresh_from_db()
    assert Standing.objects.get(user=sender).banned_at is not None
    assert not sender.is_active
    ban = AuditEvent.objects.get(action="ban")  # once: the second ban is refused
    assert ban.actor == moderator and ban.case == case and ban.subject == sender
    page = mod_client.get("/admin/moderation/standing/").content.decode()
    assert "sam" in page and "banned" in page
