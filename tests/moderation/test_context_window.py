"""One context window (MODERATION_CONTEXT_MESSAGES and _SECONDS) for every reader of a sender's
previous messages: the pipeline, the check of an edit and the case page; and the regions the
pipeline reads local phone numbers in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chat.models import Message, MessageEdit
from chat.services.edits import message_edit_process
from chat.services.submission import check_message_submit
from moderation.models import ModerationCase

pytestmark = pytest.mark.django_db(transaction=True)

# A phone number in six pieces, with filler between some of them: eight messages, then the
# one that completes it.
PIECES = ["my number", "+44", "lol", "79", "11", "wait", "12", "34"]
LAST = "56"


@pytest.fixture
def pair(make_user, make_conversation):
    sender = make_user(language="en", country="GB")
    reader = make_user(language="en", country="GB")
    return sender, make_conversation(sender, reader)


def send(user, conversation, texts):
    messages = []
    for index, text in enumerate(texts):
        message, _ = check_message_submit(
            user=user,
            conversation_id=conversation.pk,
            client_id=f"c{len(texts)}-{index}-{text}",
            text=text,
        )
        messages.append(message)
    for message in messages:
        message.refresh_from_db()
    return messages


def across(findings, kind="phone"):
    return [
        f for f in findings if f["kind"] == kind and f["evidence"].endswith("(across messages)")
    ]


def test_a_number_sent_in_six_pieces_with_filler_between_is_caught_by_default(pair):
    sender, conversation = pair
    *_, last = send(sender, conversation, [*PIECES, LAST])
    assert across(last.findings)
    assert last.status == Message.Status.DELIVERED  # flagged or masked, not withheld


def test_the_pipeline_reads_no_more_messages_than_the_setting(pair, settings):
    settings.MODERATION_CONTEXT_MESSAGES = 3
    sender, conversation = pair
    *_, last = send(sender, conversation, [*PIECES, LAST])
    assert across(last.findings) == []


def test_the_pipeline_reads_no_older_messages_than_the_setting(pair, settings):
    sender, conversation = pair
    earlier = send(sender, conversation, PIECES)
    Message.objects.filter(pk__in=[m.pk for m in earlier[:4]]).update(
        created_at=timezone.now() - timedelta(seconds=settings.MODERATION_CONTEXT_SECONDS + 60)
    )
    [last] = send(sender, conversation, [LAST])
    assert across(last.findings) == []


def test_an_edit_is_read_with_the_same_window(pair, settings):
    sender, conversation = pair
    *_, message = send(sender, conversation, [*PIECES, "ok"])
    edit = MessageEdit.objects.create(message=message, kind=MessageEdit.Kind.EDIT, text=LAST)
    message_edit_process(edit_id=edit.pk)
    edit.refresh_from_db()
    assert across(edit.findings)

    settings.MODERATION_CONTEXT_SECONDS = 0
    again = MessageEdit.objects.create(message=message, kind=MessageEdit.Kind.EDIT, text="78")
    Message.objects.filter(pk=message.pk).update(text="ok")
    message_edit_process(edit_id=again.pk)
    again.refresh_from_db()
    assert across(again.findings) == []


def test_the_case_page_shows_as_many_earlier_messages_as_the_window(pair, settings, make_user):
    settings.MODERATION_CONTEXT_MESSAGES = 4
    sender, conversation = pair
    messages = send(sender, conversation, [f"hello number {n}" for n in range(7)])
    case = ModerationCase.objects.create(
        source=ModerationCase.Source.PIPELINE,
        message=messages[-1],
        subject=sender,
        verdict="flag",
        reason="link",
    )
    admin = make_user()
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("admin:moderation_moderationcase_change", args=[case.pk]))
    assert response.status_code == 200
    shown = [m.text for m in response.context["context_messages"]]
    assert shown == [f"hello number {n}" for n in range(2, 6)]


def test_a_local_number_is_read_in_the_regions_of_the_conversations_languages(
    make_user, make_conversation
):
    # Nobody says which country they are in; both write Spanish.
    ana = make_user(language="es", country="")
    luis = make_user(language="es", country="")
    conversation = make_conversation(ana, luis)
    [message] = send(ana, conversation, ["llámame al 612 34 56 78"])
    [phone] = [f for f in message.findings if f["kind"] == "phone"]
    assert phone["evidence"] == "phone number (ES)"


def test_a_message_is_read_in_the_language_it_is_written_in_not_only_the_senders(
    make_user, make_conversation
):
    """An English profile writing Polish: the Polish words for "@" and "." are read."""
    sender = make_user(language="en", country="")
    reader = make_user(language="pl", country="")
    conversation = make_conversation(sender, reader)
    [message] = send(
        sender, conversation, ["napisz do mnie na maila: kasia.nowak małpa onet kropka pl"]
    )
    assert [f["kind"] for f in message.findings] == ["email"]


def test_a_spanish_number_split_over_messages_is_read_in_the_writers_language(
    make_user, make_conversation
):
    """Neither says where they live; the number is Spanish, sent in pieces with filler."""
    ana = make_user(language="es", country="")
    luis = make_user(language="es", country="")
    conversation = make_conversation(ana, luis)
    *_, last = send(ana, conversation, ["apunta", "612", "78", "espera, mi madre", "69", "46"])
    assert across(last.findings)
