"""Translation as readers see it on the socket: LLM output, outages, opt-in backfill, budget."""

import pytest
from channels.db import database_sync_to_async

from chat.models import MessageTranslation
from tests.chat.socket_client import close, open_socket, receive_type, send_message, subscribe
from tests.support.llm_server import Fault
from tests.support.responders import translation_calls

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno])
    return alice, bruno, conversation


async def test_the_reader_gets_the_llm_translation_unlabelled_as_demo(pair, llm):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)

    await send_message(a, conversation.pk, "1", "Good morning, how are you?")

    translation = (await receive_type(b, "message.new"))["message"]["translation"]
    assert translation["status"] == "done" and translation["provider"] == "anthropic"
    assert translation["demo"] is False
    assert translation["text"].lower().startswith("buenos días")
    await close(a, b)


async def test_an_outage_delivers_the_original_and_the_translation_follows_as_an_update(
    pair, llm, settings
):
    settings.TRANSLATION_RETRY_DELAYS = [1]
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    llm.set_down("anthropic", Fault("status", status=529))
    llm.set_down("openai", Fault("drop"))

    await send_message(a, conversation.pk, "1", "Good night")
    delivered = (await receive_type(b, "message.new"))["message"]
    llm.set_down("anthropic", None)
    llm.set_down("openai", None)
    update = (await receive_type(b, "message.update"))["message"]

    assert delivered["text"] == "Good night"
    assert delivered["translation"]["status"] == "unavailable"
    assert update["id"] == delivered["id"] and update["seq"] == delivered["seq"]
    assert update["translation"]["status"] == "done"
    assert update["translation"]["text"].lower().startswith("buenas noches")
    await close(a, b)


async def test_turning_translation_on_backfills_recent_messages_as_updates(
    make_user, make_conversation, llm
):
    alice = await database_sync_to_async(make_user)(language="en", username="alice")
    bruno = await database_sync_to_async(make_user)(language="es", username="bruno")
    conversation = await database_sync_to_async(make_conversation)(alice, bruno)
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)
    for n, text in enumerate(["Good morning", "I love this song", "Good night"]):
        await send_message(a, conversation.pk, str(n), text)
        assert (await receive_type(b, "message.new"))["message"]["translation"] is None

    await b.send_json_to(
        {"type": "translation.set", "conversation": conversation.pk, "enabled": True}
    )
    await receive_type(b, "translation.settings")
    updates = [(await receive_type(b, "message.update"))["message"] for _ in range(3)]

    assert [u["seq"] for u in updates] == [1, 2, 3]
    assert all(u["translation"]["language"] == "es" for u in updates)
    assert updates[0]["translation"]["text"].lower().startswith("buenos días")
    await close(a, b)


async def test_past_the_daily_budget_messages_go_untranslated_with_a_notice(pair, llm, settings):
    settings.TRANSLATION_DAILY_BUDGET_USD = __import__("decimal").Decimal("0.0000001")
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(b, conversation.pk)

    await send_message(a, conversation.pk, "1", "Good morning")
    first = (await receive_type(b, "message.new"))["message"]
    await send_message(a, conversation.pk, "2", "Good night")
    notice = await receive_type(a, "notice")
    second = (await receive_type(b, "message.new"))["message"]

    assert first["translation"]["status"] == "done"
    assert notice["code"] == "translation_budget_exceeded" and notice["client_id"] == "2"
    assert second["translation"]["status"] == "skipped"
    assert second["translation"]["reason"] == "budget"
    assert len(translation_calls(llm)) == 1
    skipped = await database_sync_to_async(
        MessageTranslation.objects.filter(status="skipped").count
    )()
    assert skipped == 1
    await close(a, b)
