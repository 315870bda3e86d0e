"""Order and delivery under failure, with real servers: every accepted message reaches every
reader once, in the order the server accepted it, whatever the workers and Redis do."""

import asyncio
import contextlib
import json
import time
from collections.abc import Coroutine, Iterator

import pytest

from tests.integration.processes import ProcessGroup, process_group, service_env
from tests.integration.test_scale_out import Client, connect
from tests.integration.test_translation_scale_out import llm_env
from tests.support.llm_server import FakeLLMServer
from tests.support.responders import jittery_translator, slow_once_translator
from tests.support.servers import RedisServer

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORDS = (
    "apple", "bread", "candle", "dolphin", "engine", "forest", "garden", "harbor", "island",
    "jacket", "kettle", "lemon", "mirror", "needle", "orange", "pencil", "quilt", "river",
    "saddle", "tiger", "umbrella", "violin", "window", "yellow", "zebra", "anchor", "basket",
    "cactus", "desert", "eagle",
)  # fmt: skip
# The sweep runs every 2 s and takes what waited 3 s (instead of every minute, 2 minutes).
QUICK_SWEEP = {"PIPELINE_STALE_SECONDS": "3", "PIPELINE_SWEEP_SECONDS": "2"}


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return make_conversation(alice, bruno, translate_for=[bruno]).pk


@contextlib.contextmanager
def swept(tmp_path, env: dict[str, str]) -> Iterator[tuple[ProcessGroup, int]]:
    """A server, a worker and the scheduler that sweeps."""
    with process_group(tmp_path, env) as group:
        port = group.asgi("asgi-1")
        group.worker("worker-1")
        group.beat("beat")
        yield group, port


def run(group: ProcessGroup, scenario: Coroutine) -> None:
    """Run the scenario; on failure, show every process's log."""
    try:
        asyncio.run(scenario)
    except BaseException:
        for name, _ in group.processes:
            print(f"--- {name}\n{group.log(name)}")
        raise


async def subscribed(conversation: int, port_a: int, port_b: int) -> tuple[Client, Client]:
    """Alice on one server, Bruno on another (or the same), both subscribed."""
    a, b = await connect(port_a, "alice"), await connect(port_b, "bruno")
    await a.subscribe(conversation)
    await b.subscribe(conversation)
    return a, b


async def send_all(client: Client, conversation: int, texts: list[str], prefix: str) -> None:
    """Send every text without waiting for anything in between (a quick typist)."""
    for n, text in enumerate(texts):
        await client.send(
            type="message.send", conversation=conversation, client_id=f"{prefix}{n}", text=text
        )


async def collect(client: Client, count: int, timeout: float, *, ping: float = 0) -> list[dict]:
    """The next `count` message.new frames (other frames skipped). With `ping`, the client
    pings that often, as a real one does to learn of messages a broken broadcast lost."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    next_ping = time.monotonic() + ping if ping else None
    while len(got) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"only {len(got)} of {count}: {[m['seq'] for m in got]}")
        wait = min(left, max(next_ping - time.monotonic(), 0.01)) if next_ping else left
        try:
            frame = json.loads(await asyncio.wait_for(client.socket.recv(), wait))
        except TimeoutError:
            if next_ping and time.monotonic() >= next_ping:
                await client.send(type="ping", id="hb")
                next_ping = time.monotonic() + ping
            continue
        if frame["type"] == "message.new":
            got.append(frame["message"])
    return got


def in_order(messages: list[dict], texts: list[str]) -> None:
    assert [m["seq"] for m in messages] == list(range(1, len(texts) + 1))
    assert [m["text"] for m in messages] == texts


def test_thirty_quick_sends_arrive_in_order_on_both_screens_with_two_workers(
    services_url, tmp_path, pair
):
    """Translations take a random time, so two workers finish the messages in any order."""
    conversation = pair
    texts = [f"hello {word}" for word in WORDS]
    with (
        FakeLLMServer(responder=jittery_translator) as llm,
        process_group(tmp_path, llm_env(services_url, llm, CHAT_RATE_LIMIT="60/10second")) as group,
    ):
        port_a, port_b = group.asgi("asgi-1"), group.asgi("asgi-2")
        group.worker("worker-1")
        group.worker("worker-2")

        async def scenario() -> None:
            a, b = await subscribed(conversation, port_a, port_b)
            await send_all(a, conversation, texts, "q")
            to_b, to_a = await asyncio.gather(collect(b, 30, 60), collect(a, 30, 60))
            in_order(to_b, texts)
            in_order(to_a, texts)
            assert all(m["translation"]["language"] == "es" for m in to_b)
            assert await b.silent(0.5)

        run(group, scenario())


def test_messages_accepted_while_the_broker_refuses_are_delivered_once_it_is_back(
    services_url, tmp_path, pair
):
    """The broker (its own Redis) is down when the messages are stored: the publish fails,
    the rows wait as the outbox, and the publish retry hands them over once it is back."""
    conversation = pair
    texts = ["good morning", "are you there", "it is sunny", "see you soon"]
    with (
        RedisServer(tmp_path) as broker,
        process_group(tmp_path, service_env(services_url, CELERY_BROKER_URL=broker.url)) as group,
    ):
        port = group.asgi("asgi-1")
        group.worker("worker-1")

        async def scenario() -> None:
            a, b = await subscribed(conversation, port, port)
            await asyncio.to_thread(broker.stop)
            await send_all(a, conversation, texts, "r")
            for _ in texts:
                assert (await a.receive("message.accepted"))["status"] == "pending"
            assert await b.silent(2.0)
            await asyncio.to_thread(broker.start)
            in_order(await collect(b, len(texts), 60), texts)
            assert await b.silent(1.0)

        run(group, scenario())


@pytest.mark.parametrize("pool", ["prefork", "threads"])
def test_a_message_whose_worker_is_killed_mid_task_is_delivered_once_in_order(tmp_path, pair, pool):
    """The only worker dies (SIGKILL, its pool with it) while it waits for a translation. With
    the default sweeps (the stale one would take two minutes), the orphan sweep hands the
    message to the next worker within seconds of its start; the messages sent after it wait
    for it and follow in order."""
    conversation = pair
    texts = ["first SLOW message", "second one", "third one"]
    with (
        RedisServer(tmp_path) as redis,
        FakeLLMServer(responder=slow_once_translator) as llm,
        process_group(tmp_path, llm_env(redis.url, llm, PIPELINE_ORDER_WAIT="120")) as group,
    ):
        port = group.asgi("asgi-1")
        group.worker("worker-1", pool=pool)
        group.beat("beat")

        async def scenario() -> None:
            a, b = await subscribed(conversation, port, port)
            await send_all(a, conversation, texts[:1], "k")
            await a.receive("message.accepted")
            await asyncio.sleep(0.7)  # the worker now waits on the slow translation
            await asyncio.to_thread(group.kill, "worker-1")
            await send_all(a, conversation, texts[1:], "l")
            await asyncio.to_thread(group.worker, "worker-2", pool=pool)
            in_order(await collect(b, len(texts), 20), texts)
            assert await b.silent(1.0)

        run(group, scenario())


def test_a_redis_restart_loses_no_message_and_the_worker_keeps_consuming(tmp_path, pair):
    """Redis (broker, channel layer and cache at once) restarts empty under a live worker and
    a live server, between two messages and while more are sent."""
    conversation = pair
    texts = ["before the restart", "during one", "during two", "after the restart"]
    with (
        RedisServer(tmp_path) as redis,
        swept(tmp_path, service_env(redis.url, **QUICK_SWEEP)) as (group, port),
    ):

        async def scenario() -> None:
            a, b = await subscribed(conversation, port, port)
            await send_all(a, conversation, texts[:1], "x")
            in_order(await collect(b, 1, 30), texts[:1])
            await asyncio.to_thread(redis.stop)
            await send_all(a, conversation, texts[1:3], "y")
            refused = await answers(a, 2)
            await asyncio.sleep(1)
            await asyncio.to_thread(redis.start)
            await asyncio.sleep(1)
            for client_id in refused:  # a client resends what was not accepted
                n = int(client_id[1:])
                await a.send(
                    type="message.send", conversation=conversation, client_id=client_id,
                    text=texts[1 + n],
                )  # fmt: skip
            await send_all(a, conversation, texts[3:], "z")
            rest = await collect(b, 3, 90, ping=2)
            in_order(already(texts[:1]) + rest, texts)
            worker = dict(group.processes)["worker-1"]
            assert worker.poll() is None, "the worker exited on the Redis restart"

        run(group, scenario())


async def answers(client: Client, count: int) -> list[str]:
    """Wait for `count` answers to sends; the client ids of those refused with an error."""
    refused = []
    while count:
        frame = json.loads(await asyncio.wait_for(client.socket.recv(), 30))
        if frame["type"] in ("message.accepted", "error"):
            count -= 1
            if frame["type"] == "error":
                refused.append(frame["client_id"])
    return refused


def already(texts: list[str]) -> list[dict]:
    """Stand-ins for messages already checked, so `in_order` can check the whole run."""
    return [{"seq": n, "text": text} for n, text in enumerate(texts, start=1)]
