"""Client side of the load benchmark: open authenticated, subscribed sockets, talk to the
orchestrator, summarize latencies. Shared by bench/loadclient.py and bench/idleclient.py.

A socket offers the subprotocols ["xlate", "xlate.token.<token>"] (docs/protocol.md), then
subscribes to its conversation and waits for `subscribed`. At most `concurrency` handshakes
are in flight at once. Client keepalive pings and permessage-deflate are off (the server's own
keepalive pings still run); compression is on with --deflate in bench/load.py.

The orchestrator and a client talk in lines: the client prints one JSON object per line on
stdout ({"event": "ready", ...}, then {"event": "done", ...}); the orchestrator writes `go`
and then `finish` on its stdin. Not run directly:

    .venv/bin/python bench/load.py --quick
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

FrameHandler = Callable[[int, dict[str, Any], float], None]


def install_uvloop() -> str:
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    uvloop.install()
    return "uvloop"


def report(event: str, **data: Any) -> None:
    """One line to the orchestrator."""
    sys.stdout.write(json.dumps({"event": event, **data}) + "\n")
    sys.stdout.flush()


async def command(*accepted: str) -> str:
    """Wait for the orchestrator to write one of `accepted` on stdin (EOF ends the client)."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            raise SystemExit("orchestrator went away")
        if line.strip() in accepted:
            return line.strip()


@dataclass
class ClientSocket:
    index: int
    conversation: int
    ws: ClientConnection
    subscribed: asyncio.Future
    reader: asyncio.Task | None = None
    last_seq: int = 0
    closed_during_run: bool = False
    close_code: int | None = None

    async def read(self, handler: FrameHandler) -> None:
        try:
            async for raw in self.ws:
                now = time.perf_counter()
                frame = json.loads(raw)
                if frame.get("type") == "subscribed" and not self.subscribed.done():
                    self.last_seq = int(frame.get("last_seq") or 0)
                    self.subscribed.set_result(frame)
                    continue
                handler(self.index, frame, now)
        except ConnectionClosed:
            pass
        finally:
            self.closed_during_run = True
            self.close_code = self.ws.close_code
            if not self.subscribed.done():
                self.subscribed.set_exception(ConnectionError(f"closed {self.close_code}"))


@dataclass
class Opened:
    sockets: dict[int, ClientSocket] = field(default_factory=dict)
    failures: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def _reason(error: BaseException) -> str:
    if isinstance(error, InvalidStatus):
        return f"http {error.response.status_code}"
    if isinstance(error, ConnectionError | ConnectionClosed) and str(error):
        return f"{type(error).__name__}: {str(error)[:80]}"
    return type(error).__name__


async def open_socket(
    index: int,
    url: str,
    token: str,
    conversation: int,
    handler: FrameHandler,
    *,
    deflate: bool,
) -> ClientSocket:
    ws = await connect(
        url,
        subprotocols=["xlate", f"xlate.token.{token}"],
        compression="deflate" if deflate else None,
        proxy=None,
        ping_interval=None,
        max_queue=None,
        open_timeout=60,
        close_timeout=5,
    )
    loop = asyncio.get_running_loop()
    sock = ClientSocket(index, conversation, ws, loop.create_future())
    sock.reader = asyncio.create_task(sock.read(handler))
    try:
        await ws.send(json.dumps({"type": "subscribe", "conversation": conversation}))
        await asyncio.wait_for(sock.subscribed, 60)
    except BaseException:
        await ws.close()
        raise
    return sock


async def open_all(
    specs: list[tuple[int, str, str, int]],
    handler: FrameHandler,
    *,
    concurrency: int,
    deflate: bool,
) -> Opened:
    """Open and subscribe (index, url, token, conversation) sockets, `concurrency` at a time."""
    opened = Opened()
    gate = asyncio.Semaphore(concurrency)
    started = time.perf_counter()

    async def one(index: int, url: str, token: str, conversation: int) -> None:
        async with gate:
            try:
                sock = await open_socket(index, url, token, conversation, handler, deflate=deflate)
            except Exception as error:
                opened.failures[_reason(error)] += 1
            else:
                opened.sockets[index] = sock

    await asyncio.gather(*(one(*spec) for spec in specs))
    opened.seconds = time.perf_counter() - started
    return opened


async def close_all(sockets: list[ClientSocket], *, batch: int = 500) -> None:
    for start in range(0, len(sockets), batch):
        chunk = sockets[start : start + batch]
        await asyncio.gather(*(s.ws.close() for s in chunk), return_exceptions=True)
    for sock in sockets:
        if sock.reader is not None:
            sock.reader.cancel()


def closed_summary(sockets: list[ClientSocket]) -> dict[str, Any]:
    """Sockets the server closed while the run was on, by close code."""
    codes = Counter(str(s.close_code) for s in sockets if s.closed_during_run)
    return {"closed_during_run": sum(codes.values()), "close_codes": dict(codes)}


def percentiles(values: list[float]) -> dict[str, float | None]:
    """p50 / p95 / p99 / max by nearest rank, in the unit given."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1]}
