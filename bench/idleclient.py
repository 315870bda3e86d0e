"""Idle client: hold many authenticated, subscribed sockets and ping each one once.

Runs in its own process, started by bench/load.py --idle with a JSON config file naming its
share of the sockets (several such processes may split them). After `go` it holds the sockets
for `hold` seconds and sends one application ping {"type": "ping", "id": n} on every socket,
spread evenly over the hold (socket n of N at start + hold × n / N), then waits up to `grace`
seconds for the last pongs. Counted: pongs with the right id (and their round trip), pongs
with a wrong id, sockets the server closed during the hold, error frames by code.

    .venv/bin/python bench/idleclient.py CONFIG.json     # started by bench/load.py --idle
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clientsockets import (  # noqa: E402
    close_all,
    closed_summary,
    command,
    install_uvloop,
    open_all,
    percentiles,
    report,
)


class Pongs:
    def __init__(self) -> None:
        self.sent_at: dict[int, float] = {}
        self.rtt: dict[int, float] = {}
        self.wrong = 0
        self.error_codes: Counter = Counter()
        self.other_frames: Counter = Counter()

    def on_frame(self, index: int, frame: dict[str, Any], now: float) -> None:
        kind = frame.get("type")
        if kind == "pong":
            if frame.get("id") == index and index in self.sent_at and index not in self.rtt:
                self.rtt[index] = now - self.sent_at[index]
            else:
                self.wrong += 1
        elif kind == "error":
            self.error_codes[frame.get("code")] += 1
        else:
            self.other_frames[kind] += 1


async def hold(config: dict, sockets: dict, pongs: Pongs) -> dict:
    total, seconds = config["total"], config["hold"]
    start = time.perf_counter()
    send_failed = 0
    for index in sorted(sockets):
        delay = start + seconds * index / total - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pongs.sent_at[index] = time.perf_counter()
        try:
            await sockets[index].ws.send(json.dumps({"type": "ping", "id": index}))
        except Exception:
            send_failed += 1
    remaining = start + seconds - time.perf_counter()
    if remaining > 0:
        await asyncio.sleep(remaining)
    deadline = time.perf_counter() + config["grace"]
    while len(pongs.rtt) < len(pongs.sent_at) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    return {
        "pings": len(pongs.sent_at) - send_failed,
        "ping_send_failed": send_failed,
        "pongs_ok": len(pongs.rtt),
        "pongs_wrong": pongs.wrong,
        "pong_rtt_ms": percentiles([v * 1000 for v in pongs.rtt.values()]),
        "error_codes": dict(pongs.error_codes),
        "other_frames": dict(pongs.other_frames),
        "hold_seconds": round(time.perf_counter() - start, 2),
    }


async def run(config: dict, loop_name: str) -> None:
    pongs = Pongs()
    urls = config["urls"]
    specs = [
        (index, urls[index % len(urls)], token, conversation)
        for index, token, conversation in config["sockets"]
    ]
    opened = await open_all(
        specs, pongs.on_frame, concurrency=config["concurrency"], deflate=config["deflate"]
    )
    sockets = opened.sockets
    report(
        "ready",
        ok=True,
        connected=len(sockets),
        failures=dict(opened.failures),
        connect_seconds=round(opened.seconds, 2),
        loop=loop_name,
    )
    if await command("go", "finish") == "go":
        result = await hold(config, sockets, pongs) | closed_summary(list(sockets.values()))
        report("done", result=result)
        await command("finish")
    await close_all(list(sockets.values()))


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    loop_name = install_uvloop()
    asyncio.run(run(config, loop_name))


if __name__ == "__main__":
    main()
