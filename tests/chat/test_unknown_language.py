"""A message in a language we do not serve: its source language is "und" (not the sender's
profile language), and every reader who translates gets a translation, the sender's language
included."""

import pytest

from chat.models import Message
from chat.services.submission import check_message_submit
from tests.support.responders import is_scoring, prompt_parts, scorer, translation_calls
from translation.detection import UNDETERMINED

pytestmark = pytest.mark.django_db(transaction=True)

TWENTY = [
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "uk",
    "tr", "ar", "hi", "id", "vi", "th", "ja", "zh", "ko", "tl",
]  # fmt: skip
SWEDISH = "hej, hur var din dag? jag längtar verkligen efter att träffa dig i helgen"
ROMANIAN = "bună, cum a fost ziua ta? abia aștept să te văd în weekend"
SPANISH = "hola, ¿qué tal tu día? tengo muchas ganas de verte este fin de semana"


@pytest.fixture
def twenty(settings):
    settings.SUPPORTED_LANGUAGES = TWENTY


def submit(user, conversation, client_id, text):
    message, _ = check_message_submit(
        user=user, conversation_id=conversation.pk, client_id=client_id, text=text
    )
    message.refresh_from_db()
    return message


@pytest.mark.parametrize("text", [SWEDISH, ROMANIAN])
def test_a_language_we_do_not_serve_is_und_and_translated_for_every_reader(
    twenty, make_user, make_conversation, text
):
    """Ana reads English and writes Swedish: read as English, the message would reach Carl
    (English) untranslated; as "und", Carl and Bea (Spanish) both get a translation."""
    ana, bea, carl = make_user(language="en"), make_user(language="es"), make_user(language="en")
    conversation = make_conversation(ana, bea, carl, translate_for=[bea, carl])

    message = submit(ana, conversation, "a", text)

    assert message.status == Message.Status.DELIVERED
    assert message.source_language == UNDETERMINED
    languages = sorted(message.translations.values_list("language", flat=True))
    assert languages == ["en", "es"]


def test_the_model_is_not_told_the_senders_language(twenty, make_user, make_conversation, llm):
    """The translation is asked of the model with an unknown source, and its answer stored."""
    llm.responder = lambda request: scorer(request) if is_scoring(request.system) else SPANISH
    ana, bea = make_user(language="en"), make_user(language="es")
    conversation = make_conversation(ana, bea, translate_for=[bea])

    message = submit(ana, conversation, "a", SWEDISH)

    assert message.source_language == UNDETERMINED
    translation = message.translations.get()
    assert (translation.language, translation.status) == ("es", "done")
    assert translation.text == SPANISH and translation.provider != "offline"
    calls = translation_calls(llm)
    assert len(calls) == 1
    source, target, _ = prompt_parts(calls[0])
    assert target == "es" and source and source != "en"
    assert SWEDISH in calls[0].user


@pytest.mark.parametrize(("text", "profile"), [("ok 👍", "es"), ("haha ok", "fr")])
def test_a_message_too_short_to_tell_keeps_the_senders_language(
    twenty, make_user, make_conversation, text, profile
):
    ana, bea = make_user(language=profile), make_user(language="en")
    conversation = make_conversation(ana, bea, translate_for=[bea])

    message = submit(ana, conversation, "a", text)

    assert message.source_language == profile
