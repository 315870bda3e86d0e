"""The delivery pipeline, called directly: checks, translations, the verdict."""

import pytest

from chat.errors import ClientError
from chat.models import Message, MessageTranslation
from chat.services.pipeline import messages_process
from chat.services.submission import check_message_submit
from translation.models import CachedTranslation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def trio(make_user, make_conversation):
    """A group: Ana writes English; Bea and Carl read Spanish, Dora reads French."""
    ana = make_user(language="en")
    bea = make_user(language="es")
    carl = make_user(language="es")
    dora = make_user(language="fr")
    conversation = make_conversation(ana, bea, carl, dora, translate_for=[bea, carl, dora])
    return ana, conversation


def submit(user, conversation, client_id, text):
    return check_message_submit(
        user=user, conversation_id=conversation.pk, client_id=client_id, text=text
    )


def test_one_translation_per_distinct_reader_language(trio):
    ana, conversation = trio

    message, created = submit(ana, conversation, "a", "good morning")

    message.refresh_from_db()
    assert created and message.status == Message.Status.DELIVERED and message.seq == 1
    assert message.source_language == "en"
    languages = sorted(message.translations.values_list("language", flat=True))
    assert languages == ["es", "fr"]


def test_the_same_text_is_translated_once_then_served_from_the_cache(trio, llm):
    ana, conversation = trio

    submit(ana, conversation, "a", "good  morning ")
    submit(ana, conversation, "b", "good morning")

    assert CachedTranslation.objects.count() == 2  # es and fr
    second = MessageTranslation.objects.filter(message__client_id="b")
    assert all(t.from_cache for t in second)
    assert sorted(CachedTranslation.objects.values_list("hits", flat=True)) == [1, 1]


def test_the_offline_lexicon_is_not_stored_in_the_shared_cache(trio):
    """A lookup in the development lexicon is cheaper than a cache round trip."""
    ana, conversation = trio

    submit(ana, conversation, "a", "good morning")

    assert not CachedTranslation.objects.exists()
    assert MessageTranslation.objects.filter(provider="offline").count() == 2


def test_sequence_numbers_follow_delivery_and_skip_blocked_messages(trio):
    ana, conversation = trio

    submit(ana, conversation, "1", "hi")
    blocked, _ = submit(ana, conversation, "2", "iban DE89 3704 0044 0532 0130 00 please")
    submit(ana, conversation, "3", "bye")

    blocked.refresh_from_db()
    assert blocked.status == Message.Status.BLOCKED and blocked.reason == "iban"
    assert blocked.findings and blocked.findings[0]["kind"] == "iban"
    delivered = Message.objects.filter(status="delivered").order_by("seq")
    assert [(m.client_id, m.seq) for m in delivered] == [("1", 1), ("3", 2)]


def test_running_the_pipeline_again_changes_nothing(trio):
    ana, conversation = trio
    message, _ = submit(ana, conversation, "a", "hello")

    assert messages_process(message_ids=[message.pk]) == 0

    message.refresh_from_db()
    assert message.seq == 1 and message.status == Message.Status.DELIVERED
    assert MessageTranslation.objects.count() == 2
    assert messages_process(message_ids=[10**9]) == 0


def test_without_a_reader_who_translates_the_language_is_detected_for_the_safety_check(
    make_user, make_conversation
):
    """The safety check reads a message's cue words in the language it is written in, so every
    message is detected, and its language recorded, even with nothing to translate."""
    ana, bea = make_user(language="en"), make_user(language="es")
    conversation = make_conversation(ana, bea)

    message, _ = submit(ana, conversation, "a", "Bonjour, comment allez-vous aujourd'hui ?")

    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED and message.source_language == "fr"
    assert not message.translations.exists()


def test_a_repeated_client_id_in_another_conversation_is_refused(trio, make_conversation):
    ana, conversation = trio
    other = make_conversation(ana, conversation.participants.exclude(user=ana).first().user)
    submit(ana, conversation, "x", "hello")

    with pytest.raises(ClientError) as error:
        submit(ana, other, "x", "hello")
    assert error.value.code == "client_id_reused"
