"""Recovery from a long outage of every provider, in the scale-out mode: real workers, the
scheduler, real SDKs against the local LLM server with faults injected."""

import asyncio
import time

import pytest

from chat.models import MessageTranslation
from tests.integration.processes import process_group
from tests.integration.test_scale_out import Client, connect
from tests.integration.test_translation_scale_out import llm_env, show_logs
from tests.support.llm_server import FakeLLMServer, Fault
from tests.support.responders import translation_calls, translator

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RETRY_DELAYS = (1, 1, 2, 2, 4)
# Longer than every retry delay together, counted from the last message's delivery: under the
# old schedule, every retry of every message would have failed.
OUTAGE_AFTER_LAST = sum(RETRY_DELAYS) + 5
MESSAGES = [
    "Good morning",
    "Good night",
    "I love this song",
    "See you tomorrow",
    "Thank you very much",
    "I love you",
    "Good afternoon",
    "How are you?",
    "Good morning, how are you?",
    "Thank you, see you tomorrow",
    "Good night, I love you",
    "I love this song, thank you",
]
RECOVERY_TIMEOUT = 120
# Per frame: these machines start four processes at once for this test, slowly.
FRAME_TIMEOUT = 60


async def next_message(client: Client, frame_type: str) -> dict:
    frame = await client._next(FRAME_TIMEOUT)
    assert frame["type"] == frame_type, frame
    return frame["message"]


@pytest.fixture
def llm_server():
    with FakeLLMServer(responder=translator) as server:
        yield server


def test_an_outage_longer_than_every_retry_delay_ends_with_every_message_translated(
    services_url, tmp_path, llm_server, make_user, make_conversation
):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno]).pk
    env = llm_env(
        services_url,
        llm_server,
        TRANSLATION_RETRY_DELAYS=",".join(map(str, RETRY_DELAYS)),
        TRANSLATION_RECOVERY_RATE="5",
        TRANSLATION_RETRY_SWEEP_SECONDS="2",
    )
    timings: dict[str, float] = {}

    with process_group(tmp_path, env) as group:
        port = group.asgi("asgi-1")
        group.worker("worker-1")
        group.worker("worker-2")
        group.beat("beat")
        group.wait_for_log("beat", "beat: Starting")

        async def scenario() -> None:
            a, b = await connect(port, "alice"), await connect(port, "bruno")
            await b.subscribe(conversation)
            llm_server.set_down("anthropic", Fault("status", status=503))
            llm_server.set_down("openai", Fault("drop"))
            started = time.monotonic()

            delivered: dict[int, dict] = {}
            for n, text in enumerate(MESSAGES, start=1):
                await a.send(
                    type="message.send", conversation=conversation, client_id=str(n), text=text
                )
                await a.receive("message.accepted")
                message = await next_message(b, "message.new")
                delivered[message["seq"]] = message
            assert sorted(delivered) == list(range(1, len(MESSAGES) + 1))
            assert {m["translation"]["status"] for m in delivered.values()} == {"unavailable"}

            await asyncio.sleep(OUTAGE_AFTER_LAST)
            assert await b.silent(0.5)  # nothing got through the outage
            llm_server.latency = 0.5
            llm_server.set_down("anthropic", None)
            llm_server.set_down("openai", None)
            healed = time.monotonic()
            timings["outage"] = healed - started
            timings["calls_before_heal"] = len(translation_calls(llm_server))

            updates: dict[int, dict] = {}
            deadline = healed + RECOVERY_TIMEOUT
            while len(updates) < len(MESSAGES) and time.monotonic() < deadline:
                message = await next_message(b, "message.update")
                if message["translation"]["status"] == "done":
                    updates[message["seq"]] = message
            timings["recovery"] = time.monotonic() - healed

            assert sorted(updates) == sorted(delivered)
            for seq, message in updates.items():
                assert message["id"] == delivered[seq]["id"]
                assert message["translation"]["language"] == "es"
                assert message["translation"]["text"]
            await a.socket.close()
            await b.socket.close()

        try:
            asyncio.run(scenario())
        except BaseException:
            show_logs(group, ["asgi-1", "worker-1", "worker-2", "beat"])
            raise

    rows = MessageTranslation.objects.filter(message__conversation_id=conversation)
    assert rows.count() == len(MESSAGES)
    assert set(rows.values_list("status", flat=True)) == {"done"}
    # Each text was translated once after the outage, whichever retry got to it first.
    answered = [
        call
        for call in translation_calls(llm_server)[timings["calls_before_heal"] :]
        if call.status == 200
    ]
    assert len(answered) == len(MESSAGES)
    print(
        f"\n{len(MESSAGES)} messages; outage {timings['outage']:.1f} s "
        f"(retry delays total {sum(RETRY_DELAYS)} s); every translation arrived "
        f"{timings['recovery']:.1f} s after the providers healed (500 ms latency)"
    )
