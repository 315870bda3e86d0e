"""Traffic client of the chaos suite: steady sends over sockets that reconnect, as a real client's.

Runs in its own process, started by bench/chaos.py with a JSON config file, and talks to it in
lines (bench/clientsockets.py: `ready`, then `go`, then `done`, then `finish`). It holds one
socket per member of each two-member conversation; conversation k's first member connects to
ASGI process k mod N and its second to k + 1 mod N, so every conversation crosses processes.
Send k goes to conversation k mod C, from its members in turn, at start + k / rate, each with
a client_id of its own and an innocent text (nouns from a fixed list).

What a socket does when things break, after the web client (static/chat/connection.js,
sending.js):
  - a closed socket reconnects with backoff (1 s doubling to 30 s, jittered to 50-100 %; the
    count starts over after 10 s of stable connection), to the next ASGI process in turn, and
    subscribes with `since` = the highest seq it has seen;
  - once subscribed again it resends, with the same client_id, every message of its own that it
    has not yet seen delivered (unanswered, or accepted and still pending): the server is
    idempotent on the client_id and hands a still-pending message to the pipeline again;
  - an `internal_error` answer to a send is resent after 1 s, then 2, 4, 5 s (such an error
    carries no client_id: the server answers a socket's frames in order, so the client matches
    each answer to the oldest frame of that socket still waiting for one);
  - a ping every `ping_interval` s (25 s, the web client's); a socket with no frame since its
    last ping is closed and reconnects; a `pong` naming a number above the socket's highest
    seq makes it subscribe again with `since`.

Nothing is judged here: every message's times (scheduled, first sent, accepted, delivered to
the other member, own copy), every send, and every message.new frame each socket received
(seq, id, client_id, time) are written to the `out` file for bench/chaos.py to count.
Times are time.monotonic(), which the orchestrator shares (one machine, one clock).

    .venv/bin/python bench/chaosclient.py CONFIG.json     # started by bench/chaos.py
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clientsockets import command, install_uvloop, report  # noqa: E402

# Everyday nouns, none a number word, a platform, a payment or a contact: no detector's cue.
NOUNS = (
    "garden", "coffee", "window", "pillow", "orange", "castle", "rabbit", "bicycle", "blanket",
    "candle", "forest", "guitar", "harbor", "jacket", "kitten", "ladder", "meadow", "noodle",
    "pebble", "pepper", "puzzle", "rocket", "saddle", "teapot", "tulip", "violin", "walnut",
    "zipper", "balloon", "cabbage", "dolphin", "feather", "giraffe", "hammock", "lantern",
    "mustard", "oatmeal", "peacock", "sparrow", "sunflower",
)  # fmt: skip
RETRYABLE = {"internal_error"}
RESEND_DELAYS = (1.0, 2.0, 4.0, 5.0)
BACKOFF_BASE, BACKOFF_MAX, STABLE_AFTER = 1.0, 30.0, 10.0
WARMUP_TIMEOUT = 120.0


def innocent_text(k: int) -> str:
    a, b = NOUNS[k % len(NOUNS)], NOUNS[(k * 7 + 3) % len(NOUNS)]
    return f"I like the {a} and the {b}"


@dataclass
class Sent:
    """One message the client means to send, and what became of it."""

    client_id: str
    conversation: int
    sender: int
    reader: int
    text: str
    scheduled: float
    warm: bool = False
    first_sent: float | None = None
    sends: list[float] = field(default_factory=list)
    accepted_at: float | None = None
    id: int | None = None
    ids: list[int] = field(default_factory=list)  # every id the server named for it
    duplicate_answers: int = 0
    errors: list[str] = field(default_factory=list)
    refused: str | None = None  # an error code a resend cannot cure, or blocked / held
    delivered_at: float | None = None
    seq: int | None = None
    own_at: float | None = None

    def settled(self) -> bool:
        if self.refused is not None:
            return True
        return self.delivered_at is not None and self.own_at is not None


class Peer:
    """One member's socket in one conversation, across reconnects."""

    def __init__(self, client: Client, index: int, token: str, conversation: int, url: int):
        self.client, self.index, self.token = client, index, token
        self.conversation, self.url = conversation, url
        self.ws: ClientConnection | None = None
        self.live = False  # subscribed: sends go out
        self.subscribed_once = False
        self.high = 0  # highest seq received
        self.seqs: dict[int, int] = {}  # seq → message id
        self.ids: dict[int, int] = {}  # message id → seq
        # Frames waiting for their one answer, in order: a send's client_id, None for a ping
        # or a subscribe.
        self.outstanding: deque[str | None] = deque()
        self.awaiting_pong = False
        self.failures = 0
        self.stats: Counter = Counter()
        self.connections: list[dict[str, Any]] = []  # url, opened, subscribed, closed, code
        self.frames: list[list] = []  # [time, seq, id, client_id, kind] of every message.new

    # --- the connection ----------------------------------------------------------------------

    async def run(self) -> None:
        while not self.client.stopping:
            opened = await self._session()
            self.live = False
            self.outstanding.clear()
            if self.client.stopping:
                return
            stable = opened is not None and time.monotonic() - opened > STABLE_AFTER
            self.failures = 1 if stable else self.failures + 1
            delay = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** (self.failures - 1))
            await asyncio.sleep(delay * (0.5 + random.random() / 2))
            self.url = (self.url + 1) % len(self.client.urls)
            self.stats["reconnects"] += 1

    async def _session(self) -> float | None:
        """One connection, from handshake to close; when it opened (None: it never did)."""
        record: dict[str, Any] = {"url": self.url, "tried": time.monotonic()}
        self.connections.append(record)
        try:
            self.ws = await connect(
                self.client.urls[self.url],
                subprotocols=["xlate", f"xlate.token.{self.token}"],
                compression=None,
                proxy=None,
                ping_interval=None,
                max_queue=None,
                open_timeout=10,
                close_timeout=2,
            )
        except Exception as error:
            record["failed"] = f"{type(error).__name__}: {str(error)[:80]}"
            self.stats["handshake_failures"] += 1
            return None
        record["opened"] = opened = time.monotonic()
        self.awaiting_pong = False
        try:
            await self._subscribe(first=not self.subscribed_once)
            record["subscribed"] = time.monotonic()
            self.live = self.subscribed_once = True
            self.client.on_live(self)
            async for raw in self.ws:
                self.on_frame(json.loads(raw), time.monotonic())
        except (ConnectionClosed, OSError, TimeoutError) as error:
            record["error"] = type(error).__name__
        finally:
            self.live = False
            record["closed"] = time.monotonic()
            record["code"] = self.ws.close_code
            with contextlib.suppress(Exception):
                await self.ws.close()
        return opened

    async def _subscribe(self, *, first: bool) -> None:
        """Subscribe (with `since` after the first time) and take the replay; raises
        TimeoutError when the server does not answer `subscribed` in 10 s."""
        frame: dict[str, Any] = {"type": "subscribe", "conversation": self.conversation}
        if not first:
            frame["since"] = self.high
        await self.ws.send(json.dumps(frame))
        async with asyncio.timeout(10):
            while True:
                reply = json.loads(await self.ws.recv())
                if reply.get("type") == "subscribed":
                    if first:
                        self.high = int(reply.get("last_seq") or 0)
                    return
                if reply.get("type") == "error" and "client_id" not in reply:
                    self.stats[f"subscribe_error:{reply.get('code')}"] += 1
                    raise TimeoutError("subscribe refused")
                self.on_frame(reply, time.monotonic(), replay=True)

    async def heartbeat(self, interval: float) -> None:
        while not self.client.stopping:
            await asyncio.sleep(interval)
            if not self.live:
                continue
            if self.awaiting_pong:
                self.stats["heartbeat_timeouts"] += 1
                with contextlib.suppress(Exception):
                    await self.ws.close()
                continue
            # Set before the send: the pong may be read before the send returns.
            self.awaiting_pong = True
            if not await self._request({"type": "ping", "id": str(time.monotonic())}, None):
                self.awaiting_pong = False

    async def _request(self, frame: dict[str, Any], key: str | None) -> bool:
        """Send a frame the server answers once; `key` is a send's client_id (None for a ping
        or a subscribe). False when the socket is not live."""
        if not self.live or self.ws is None:
            return False
        self.outstanding.append(key)  # before the send: the answer may come first
        try:
            await self.ws.send(json.dumps(frame))
        except Exception:
            self._answered(key)
            return False
        return True

    # --- messages ----------------------------------------------------------------------------

    async def transmit(self, sent: Sent) -> None:
        """Send `sent` now if the socket is live; otherwise it goes out after the reconnect."""
        frame = {"type": "message.send", "conversation": self.conversation}
        frame |= {"client_id": sent.client_id, "text": sent.text}
        if await self._request(frame, sent.client_id):
            now = time.monotonic()
            sent.first_sent = sent.first_sent or now
            sent.sends.append(now)

    def on_frame(self, frame: dict[str, Any], now: float, *, replay: bool = False) -> None:
        self.awaiting_pong = False  # any frame proves the connection is alive
        kind = frame.get("type")
        if kind in ("message.new", "message.update"):
            self.on_message(kind, frame.get("message") or {}, now, replay=replay)
        elif kind == "message.accepted":
            self._answered(frame.get("client_id"))
            self.client.on_accepted(frame, now)
        elif kind in ("message.blocked", "message.held"):
            self.client.on_refused(frame.get("client_id"), kind)
        elif kind == "error":
            self.on_error(frame)
        elif kind == "pong":
            self._answered(None)
            latest = (frame.get("conversations") or {}).get(str(self.conversation))
            if latest is not None and int(latest) > self.high:
                self.stats["pong_behind"] += 1
                self.client.spawn(self._resubscribe())
        else:
            if kind == "subscribed":
                self._answered(None)
            self.stats[f"frame:{kind}"] += 1

    async def _resubscribe(self) -> None:
        frame = {"type": "subscribe", "conversation": self.conversation, "since": self.high}
        await self._request(frame, None)

    def on_message(self, kind: str, message: dict[str, Any], now: float, *, replay: bool) -> None:
        seq, pk, client_id = message.get("seq"), message.get("id"), message.get("client_id")
        self.frames.append([now, seq, pk, client_id, kind if not replay else "replay"])
        if kind != "message.new" or seq is None:
            self.stats[kind] += 1
            return
        seq = int(seq)
        if seq not in self.seqs and pk not in self.ids:
            self.seqs[seq], self.ids[pk] = pk, seq
            self.high = max(self.high, seq)
        self.client.on_delivered(self, client_id, pk, seq, now)

    def on_error(self, frame: dict[str, Any]) -> None:
        self.stats[f"error:{frame.get('code')}"] += 1
        client_id = frame.get("client_id")
        if client_id is None:
            if not self.outstanding:
                return
            client_id = self.outstanding[0]  # the oldest frame waiting: a send, or None
        self._answered(client_id)
        if client_id is not None:
            self.client.on_error(self, client_id, frame.get("code"))

    def _answered(self, key: str | None) -> None:
        with contextlib.suppress(ValueError):
            self.outstanding.remove(key)

    def summary(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "conversation": self.conversation,
            "high": self.high,
            "stats": dict(self.stats),
            "connections": self.connections,
            "frames": self.frames,
        }


class Client:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.urls: list[str] = config["urls"]
        self.peers: list[Peer] = []
        self.pairs: list[tuple[Peer, Peer]] = []
        for k, row in enumerate(config["conversations"]):
            a, b = row["members"][:2]
            pa = Peer(self, 2 * k, a["token"], row["conversation"], k % len(self.urls))
            pb = Peer(self, 2 * k + 1, b["token"], row["conversation"], (k + 1) % len(self.urls))
            self.peers += [pa, pb]
            self.pairs.append((pa, pb))
        self.sent: dict[str, Sent] = {}
        self.stopping = False
        self.tasks: set[asyncio.Task] = set()
        self.stray = 0

    def spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --- what the peers hear -------------------------------------------------------------------

    def on_live(self, peer: Peer) -> None:
        """Subscribed (again): send everything of this member's not yet seen delivered."""
        for sent in self.sent.values():
            if sent.sender == peer.index and sent.refused is None and sent.own_at is None:
                self.spawn(peer.transmit(sent))

    def on_accepted(self, frame: dict[str, Any], now: float) -> None:
        sent = self.sent.get(frame.get("client_id"))
        if sent is None:
            return
        sent.accepted_at = sent.accepted_at or now
        if frame.get("id") not in sent.ids:
            sent.ids.append(frame.get("id"))
        sent.id = sent.id or frame.get("id")
        sent.duplicate_answers += bool(frame.get("duplicate"))
        if frame.get("status") in ("blocked", "held", "rejected"):
            sent.refused = frame["status"]

    def on_refused(self, client_id: str | None, kind: str) -> None:
        sent = self.sent.get(client_id)
        if sent is not None:
            sent.refused = kind

    def on_error(self, peer: Peer, client_id: str, code: str) -> None:
        sent = self.sent.get(client_id)
        if sent is None:
            return
        sent.errors.append(code)
        if code not in RETRYABLE:
            sent.refused = code
            return
        delay = RESEND_DELAYS[min(len(sent.errors), len(RESEND_DELAYS)) - 1]
        self.spawn(self._resend_later(peer, sent, delay))

    async def _resend_later(self, peer: Peer, sent: Sent, delay: float) -> None:
        await asyncio.sleep(delay)
        if sent.accepted_at is None and sent.refused is None:
            await peer.transmit(sent)

    def on_delivered(self, peer: Peer, client_id: str | None, pk, seq: int, now: float) -> None:
        sent = self.sent.get(client_id)
        if sent is None or sent.conversation != peer.conversation:
            self.stray += 1
            return
        if pk not in sent.ids:
            sent.ids.append(pk)
        if peer.index == sent.reader and sent.delivered_at is None:
            sent.delivered_at, sent.seq = now, seq
        elif peer.index == sent.sender and sent.own_at is None:
            sent.own_at = now

    # --- the run -------------------------------------------------------------------------------

    def new_message(self, k: int, prefix: str, *, warm: bool = False) -> tuple[Peer, Sent]:
        a, b = self.pairs[k % len(self.pairs)]
        sender, reader = (a, b) if (k // len(self.pairs)) % 2 == 0 else (b, a)
        sent = Sent(
            f"{prefix}{k}",
            sender.conversation,
            sender.index,
            reader.index,
            innocent_text(k),
            time.monotonic(),
            warm=warm,
        )
        self.sent[sent.client_id] = sent
        return sender, sent

    async def wait_settled(self, limit: float, *, warm: bool) -> float:
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if all(s.settled() for s in self.sent.values() if s.warm == warm):
                break
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def warm_up(self) -> dict[str, Any]:
        """One message per conversation, until both copies arrive: the pipeline's lazily
        built parts are built before the run."""
        for k in range(len(self.pairs)):
            sender, sent = self.new_message(k, f"warm-{time.time_ns()}-", warm=True)
            await sender.transmit(sent)
        waited = await self.wait_settled(WARMUP_TIMEOUT, warm=True)
        unsettled = sum(not s.settled() for s in self.sent.values() if s.warm)
        return {"seconds": round(waited, 2), "unsettled": unsettled}

    async def schedule(self, rate: float, duration: float, start: float) -> dict[str, Any]:
        total, max_lag = round(rate * duration), 0.0
        for k in range(total):
            due = start + k / rate
            if (delay := due - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            max_lag = max(max_lag, time.monotonic() - due)
            sender, sent = self.new_message(k, self.config["prefix"])
            sent.scheduled = due
            await sender.transmit(sent)
        return {"scheduled": total, "max_lag_ms": round(max_lag * 1000, 1)}

    async def run(self) -> None:
        for peer in self.peers:
            self.spawn(peer.run())
            self.spawn(peer.heartbeat(self.config["ping_interval"]))
        deadline = time.monotonic() + 60
        while not all(p.live for p in self.peers) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        connected = sum(p.live for p in self.peers)
        if connected < len(self.peers):
            report("ready", ok=False, connected=connected, sockets=len(self.peers))
            return await self.finish()
        warm = await self.warm_up()
        report("ready", ok=True, connected=connected, warmup=warm)
        if await command("go", "finish") == "finish":
            return await self.finish()
        go = time.monotonic()
        schedule = await self.schedule(self.config["rate"], self.config["duration"], go + 0.05)
        sending_ended = time.monotonic()
        drained = await self.wait_settled(self.config["drain"], warm=False)
        self.write(go, sending_ended, drained, schedule)
        report("done", out=self.config["out"])
        await command("finish")
        await self.finish()

    def write(self, go: float, sending_ended: float, drained: float, schedule: dict) -> None:
        result = {
            "go": go,
            "sending_ended": sending_ended,
            "drain_seconds": round(drained, 2),
            "ended": time.monotonic(),
            "schedule": schedule,
            "stray": self.stray,
            "messages": [asdict(s) for s in self.sent.values()],
            "peers": [p.summary() for p in self.peers],
        }
        Path(self.config["out"]).write_text(json.dumps(result))

    async def finish(self) -> None:
        self.stopping = True
        for peer in self.peers:
            if peer.ws is not None:
                with contextlib.suppress(Exception):
                    await peer.ws.close()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    install_uvloop()
    asyncio.run(Client(config).run())


if __name__ == "__main__":
    main()
