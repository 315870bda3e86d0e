"""The translation engine in the scale-out mode: real workers, real SDKs, the local LLM server."""

import asyncio

import pytest

from tests.integration.processes import process_group, service_env
from tests.integration.test_scale_out import connect
from tests.support.llm_server import FakeLLMServer, Fault
from tests.support.responders import prompt_parts, translation_calls, translator

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def llm_server():
    with FakeLLMServer(responder=translator) as server:
        yield server


def llm_env(services_url: str, server: FakeLLMServer, **extra: str) -> dict[str, str]:
    return (
        service_env(
            services_url,
            ANTHROPIC_API_KEY="test-anthropic-key",
            ANTHROPIC_BASE_URL=server.anthropic_base_url,
            OPENAI_API_KEY="test-openai-key",
            OPENAI_BASE_URL=server.openai_base_url,
            TRANSLATION_PROVIDERS="anthropic:claude-haiku-4-5,openai:gpt-4o-mini",
            TRANSLATION_TIMEOUT="3",
            TRANSLATION_BACKOFF="0.05",
            TRANSLATION_BREAKER_COOLDOWN="2",
            TRANSLATION_RETRY_DELAYS="1,1,2,2,4",
        )
        | extra
    )


def show_logs(group, names) -> None:
    for name in names:
        print(f"--- {name}\n{group.log(name)}")


def test_two_workers_missing_the_same_text_make_one_provider_call(
    services_url, tmp_path, llm_server, make_user, make_conversation
):
    users = [
        make_user(language=lang, username=name)
        for name, lang in (("ann", "en"), ("bea", "es"), ("cai", "en"), ("dov", "es"))
    ]
    first = make_conversation(users[0], users[1], translate_for=[users[1]]).pk
    second = make_conversation(users[2], users[3], translate_for=[users[3]]).pk
    llm_server.latency = 1.5  # both pipelines miss the cache while the first call is running

    with process_group(tmp_path, llm_env(services_url, llm_server)) as group:
        port = group.asgi("asgi-1")
        group.worker("worker-1")
        group.worker("worker-2")

        async def scenario() -> None:
            ann, bea, cai, dov = [await connect(port, u.username) for u in users]
            await bea.subscribe(first)
            await dov.subscribe(second)
            text = "Good morning, how are you?"
            await ann.send(type="message.send", conversation=first, client_id="1", text=text)
            await cai.send(type="message.send", conversation=second, client_id="1", text=text)
            to_bea = (await bea.receive("message.new"))["message"]["translation"]
            to_dov = (await dov.receive("message.new"))["message"]["translation"]
            assert to_bea["status"] == to_dov["status"] == "done"
            assert to_bea["text"] == to_dov["text"]
            assert to_bea["text"].lower().startswith("buenos días")
            for client in (ann, bea, cai, dov):
                await client.socket.close()

        try:
            asyncio.run(scenario())
        except BaseException:
            show_logs(group, ["asgi-1", "worker-1", "worker-2"])
            raise
    assert len(translation_calls(llm_server)) == 1
    # Each worker ran one of the two pipelines: the second waited for the first's call.
    assert "chat.process_message" in group.log("worker-1")
    assert "chat.process_message" in group.log("worker-2")


PHRASES = [
    "Good morning",
    "Good night",
    "I love this song",
    "See you tomorrow",
    "Thank you very much",
    "I love you",
    "Good afternoon",
    "How are you?",
]


def test_losing_the_primary_mid_traffic_loses_no_message_and_no_translation(
    services_url, tmp_path, llm_server, make_user, make_conversation
):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno")
    conversation = make_conversation(alice, bruno, translate_for=[bruno]).pk

    with process_group(tmp_path, llm_env(services_url, llm_server)) as group:
        port = group.asgi("asgi-1")
        group.worker("worker-1")

        async def scenario() -> None:
            a, b = await connect(port, "alice"), await connect(port, "bruno")
            await b.subscribe(conversation)
            delivered: dict[int, dict] = {}
            for n, text in enumerate(PHRASES, start=1):
                if n == 4:  # the primary dies: the fallback takes over
                    llm_server.set_down("anthropic", Fault("drop"))
                if n == 7:  # the fallback dies too: delivered untranslated for now
                    llm_server.set_down("openai", Fault("status", status=503))
                await a.send(
                    type="message.send", conversation=conversation, client_id=str(n), text=text
                )
                await a.receive("message.accepted")
                message = (await b.receive("message.new"))["message"]
                delivered[message["seq"]] = message

            llm_server.set_down("anthropic", None)
            llm_server.set_down("openai", None)
            updates = [(await b.receive("message.update"))["message"] for _ in range(2)]

            assert sorted(delivered) == list(range(1, 9))
            providers = [delivered[seq]["translation"]["provider"] for seq in range(1, 7)]
            assert providers == ["anthropic"] * 3 + ["openai"] * 3
            assert [delivered[seq]["translation"]["status"] for seq in (7, 8)] == [
                "unavailable"
            ] * 2
            assert sorted(u["seq"] for u in updates) == [7, 8]
            assert all(u["translation"]["status"] == "done" for u in updates)
            await a.socket.close()
            await b.socket.close()

        try:
            asyncio.run(scenario())
        except BaseException:
            show_logs(group, ["asgi-1", "worker-1"])
            raise


def test_a_message_no_model_can_translate_acceptably_leaves_other_senders_untouched(
    services_url, tmp_path, llm_server, make_user, make_conversation
):
    """Every answer for one text is commentary: that text ends untranslatable after a bounded
    number of calls and is not retried, while the other conversation is translated throughout
    (that no breaker opens for it is tests/translation/test_fanout.py's to show)."""
    users = [
        make_user(language=lang, username=name)
        for name, lang in (("eve", "en"), ("fil", "es"), ("gus", "en"), ("hal", "es"))
    ]
    poisoned = make_conversation(users[0], users[1], translate_for=[users[1]]).pk
    healthy = make_conversation(users[2], users[3], translate_for=[users[3]]).pk

    def model(request):
        _, _, text = prompt_parts(request)
        if "weekend" in text:
            return "Sure! Here is the translation: Mi fin de semana fue genial"
        return translator(request)

    llm_server.responder = model
    with process_group(tmp_path, llm_env(services_url, llm_server)) as group:
        port = group.asgi("asgi-1")
        group.worker("worker-1")
        group.worker("worker-2")

        async def scenario() -> None:
            eve, fil, gus, hal = [await connect(port, u.username) for u in users]
            await fil.subscribe(poisoned)
            await hal.subscribe(healthy)
            await eve.send(
                type="message.send",
                conversation=poisoned,
                client_id="p",
                text="My weekend was great",
            )
            for n, text in enumerate(PHRASES, start=1):
                await gus.send(
                    type="message.send", conversation=healthy, client_id=str(n), text=text
                )
            bad = (await fil.receive("message.new"))["message"]["translation"]
            good = [(await hal.receive("message.new"))["message"] for _ in PHRASES]
            assert bad["status"] == "untranslatable"
            assert [m["translation"]["status"] for m in good] == ["done"] * len(PHRASES)
            for client in (eve, fil, gus, hal):
                await client.socket.close()

        try:
            asyncio.run(scenario())
        except BaseException:
            show_logs(group, ["asgi-1", "worker-1", "worker-2"])
            raise
    poisoned_calls = [c for c in translation_calls(llm_server) if "weekend" in c.user]
    # Asked twice of each provider (TRANSLATION_ATTEMPTS), and never again in the background.
    assert len(poisoned_calls) == 4
