"""The scale-out mode for real: PostgreSQL, Redis, two ASGI processes and a Celery worker."""

import asyncio
import json

import pytest
import websockets

from tests.integration.processes import process_group, service_env, socket_token

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
TIMEOUT = 20


@pytest.fixture
def cluster(services_url, tmp_path):
    """Two uvicorn processes and one Celery worker sharing PostgreSQL and Redis."""
    with process_group(tmp_path, service_env(services_url)) as group:
        ports = (group.asgi("asgi-1"), group.asgi("asgi-2"))
        group.worker("worker-1")
        yield group, ports


class Client:
    """A socket that sets presence frames aside (in `presence`), unless told to keep them."""

    def __init__(self, socket, *, presence: bool = False) -> None:
        self.socket = socket
        self.keep_presence = presence
        self.presence: list[dict] = []

    async def send(self, **frame) -> None:
        await self.socket.send(json.dumps(frame))

    async def _next(self, timeout: float) -> dict:
        while True:
            frame = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if frame["type"] != "presence" or self.keep_presence:
                return frame
            self.presence.append(frame)

    async def receive(self, frame_type: str) -> dict:
        frame = await self._next(TIMEOUT)
        assert frame["type"] == frame_type, frame
        return frame

    async def silent(self, seconds: float = 1.0) -> bool:
        try:
            frame = await self._next(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"unexpected frame {frame}")

    async def subscribe(self, conversation: int, since: int | None = None) -> list[dict]:
        frame = {"type": "subscribe", "conversation": conversation}
        if since is not None:
            frame["since"] = since
        await self.send(**frame)
        replay = []
        while (reply := await self._next(TIMEOUT))["type"] != "subscribed":
            assert reply["type"] == "message.new", reply
            replay.append(reply["message"])
        return replay


async def connect(port: int, username: str, *, presence: bool = False) -> Client:
    token = await asyncio.to_thread(socket_token, port, username, "pw-" + username)
    socket = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/", subprotocols=["xlate", f"xlate.token.{token}"]
    )
    return Client(socket, presence=presence)


def test_messages_cross_processes_with_translation_safety_and_replay(
    cluster, make_user, make_conversation
):
    group, (port_a, port_b) = cluster
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno]).pk

    async def scenario() -> None:
        a, b = await connect(port_a, "alice"), await connect(port_b, "bruno")
        await a.subscribe(conversation)
        await b.subscribe(conversation)

        # B, on the other server, receives A's message with the Spanish translation.
        await a.send(
            type="message.send", conversation=conversation, client_id="1", text="Good morning!"
        )
        await a.receive("message.accepted")
        to_b = (await b.receive("message.new"))["message"]
        assert to_b["text"] == "Good morning!" and to_b["seq"] == 1
        assert to_b["translation"]["language"] == "es" and to_b["translation"]["demo"]
        assert (await a.receive("message.new"))["message"]["seq"] == 1

        # A wallet address never reaches B; A is told it was blocked.
        await a.send(
            type="message.send", conversation=conversation, client_id="2",
            text=f"pay me at {WALLET}",
        )  # fmt: skip
        await a.receive("message.accepted")
        assert (await a.receive("message.blocked"))["reason"] == "crypto_wallet"
        assert await b.silent()

        # B drops off; A sends two more; B comes back on the other server and gets exactly them.
        await b.socket.close()
        for n in (3, 4):
            await a.send(
                type="message.send", conversation=conversation, client_id=str(n),
                text=f"message {n}",
            )  # fmt: skip
            await a.receive("message.accepted")
            await a.receive("message.new")
        b = await connect(port_a, "bruno")
        replay = await b.subscribe(conversation, since=1)
        assert [(m["seq"], m["text"]) for m in replay] == [(2, "message 3"), (3, "message 4")]
        assert all(m["translation"]["language"] == "es" for m in replay)
        assert await b.silent(0.5)

        # Idle past redis-py's default 5 s socket timeout twice over: the layer must survive.
        await asyncio.sleep(12)
        await a.send(type="message.send", conversation=conversation, client_id="5", text="still?")
        await a.receive("message.accepted")
        assert (await b.receive("message.new"))["message"]["seq"] == 4

        # Presence crosses processes: B on one server sees A come and go on the other, with
        # a receipt on the way.
        b2 = await connect(port_b, "bruno", presence=True)
        await b2.subscribe(conversation)
        await a.socket.close()
        gone = await b2.receive("presence")
        assert gone["online"] is False and gone["last_seen"]
        a = await connect(port_a, "alice")
        back = await b2.receive("presence")
        assert back["online"] is True
        await a.subscribe(conversation)
        await b2.send(type="read", conversation=conversation, seq=4)
        receipt = await a.receive("receipt")
        assert receipt["read_seq"] == 4 and receipt["delivered_seq"] == 4
        await a.socket.close()
        await b.socket.close()
        await b2.socket.close()

    try:
        asyncio.run(scenario())
    except BaseException:
        for name in ("asgi-1", "asgi-2", "worker-1"):
            print(f"--- {name}\n{group.log(name)}")
        raise


def test_a_message_accepted_while_the_worker_is_dead_is_delivered_by_the_next_one(
    services_url, tmp_path, make_user, make_conversation
):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno]).pk

    with process_group(tmp_path, service_env(services_url)) as group:
        port = group.asgi("asgi-1")
        worker = group.worker("worker-1")

        async def scenario() -> None:
            a, b = await connect(port, "alice"), await connect(port, "bruno")
            await a.subscribe(conversation)
            await b.subscribe(conversation)
            worker.kill()  # SIGKILL: no goodbye, nothing drained
            await asyncio.to_thread(worker.wait)

            await a.send(
                type="message.send", conversation=conversation, client_id="1", text="hello"
            )
            accepted = await a.receive("message.accepted")
            assert accepted["status"] == "pending"
            assert await b.silent(1.0)

            await asyncio.to_thread(group.worker, "worker-2")
            delivered = (await b.receive("message.new"))["message"]
            assert delivered["id"] == accepted["id"] and delivered["seq"] == 1
            assert delivered["translation"]["language"] == "es"
            await a.socket.close()
            await b.socket.close()

        try:
            asyncio.run(scenario())
        except BaseException:
            for name in ("asgi-1", "worker-1", "worker-2"):
                print(f"--- {name}\n{group.log(name)}")
            raise
