"""Open-loop load client: delivery, order and latency of chat messages at a fixed total rate.

Runs in its own process (so its CPU is not charged to the servers), started by bench/load.py
with a JSON config file. Two sockets per conversation; send k goes to conversation k mod C,
sent by member (k div C) mod 2, at start + k / rate, scheduled in advance and never waiting
for a reply. A send issued more than `behind_ms` after its time counts as behind schedule (the
run's figures are then invalid). Texts cycle through the `ham` lines of the SMS Spam
Collection no longer than `max_chars`, unchanged.

Measured per run, after a warm-up whose frames are not counted:
  latency      client time of the send → the other member's message.new with that client_id
  expected     sent, accepted, and not answered by message.blocked, message.held or an error
  lost         expected but not read by the other member when the drain ends (the drain ends
               early once every message is resolved)
  duplicates   a message id arriving twice as message.new on one socket (reader or sender)
  out of order a message.new whose seq is not the previous seq seen on that socket + 1;
               gaps are the jumps above the highest seq seen (gap_messages: the numbers
               skipped), backwards a seq at or below it

    .venv/bin/python bench/loadclient.py CONFIG.json     # started by bench/load.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.clientsockets import (  # noqa: E402
    ClientSocket,
    close_all,
    closed_summary,
    command,
    install_uvloop,
    open_all,
    percentiles,
    report,
)

WARMUP_TIMEOUT = 30.0


def ham_texts(path: Path, max_chars: int) -> tuple[list[str], int]:
    """The `ham` texts of the corpus (tab-separated label, text; CRLF) up to `max_chars`."""
    texts, skipped = [], 0
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            label, _, text = line.rstrip("\r\n").partition("\t")
            if label != "ham":
                continue
            if len(text) > max_chars:
                skipped += 1
            else:
                texts.append(text)
    return texts, skipped


class Tally:
    """Everything the sockets received, keyed by client_id and by socket."""

    def __init__(self) -> None:
        self.counting = False
        self.sent_at: dict[str, float] = {}
        self.route: dict[str, tuple[int, int]] = {}  # client_id → (sender, reader) sockets
        self.accepted: set[str] = set()
        self.blocked: set[str] = set()
        self.held: set[str] = set()
        self.refused: dict[str, str] = {}  # client_id → error code
        self.latency: dict[str, float] = {}
        self.own_copy: set[str] = set()
        self.warm: set[tuple[str, int]] = set()
        self.seen: dict[int, set[int]] = defaultdict(set)
        self.prev_seq: dict[int, int] = {}
        self.high_seq: dict[int, int] = {}
        self.counts: Counter = Counter()
        self.error_codes: Counter = Counter()
        self.other_frames: Counter = Counter()

    def on_frame(self, index: int, frame: dict[str, Any], now: float) -> None:
        kind = frame.get("type")
        client_id = frame.get("client_id")
        if kind == "message.new":
            self.on_message(index, frame.get("message") or {}, now)
        elif kind == "message.accepted":
            self.accepted.add(client_id)
        elif kind == "message.blocked":
            self.blocked.add(client_id)
        elif kind == "message.held":
            self.held.add(client_id)
        elif kind == "error":
            if self.counting:
                self.error_codes[frame.get("code")] += 1
            if client_id in self.sent_at:
                self.refused[client_id] = frame.get("code")
        elif self.counting:
            self.other_frames[kind] += 1

    def on_message(self, index: int, message: dict[str, Any], now: float) -> None:
        if message.get("id") in self.seen[index]:
            self.counts["duplicates"] += self.counting
            return
        self.seen[index].add(message.get("id"))
        seq = int(message.get("seq") or 0)
        prev, high = self.prev_seq.get(index, 0), self.high_seq.get(index, 0)
        if self.counting:
            self.counts["out_of_order"] += seq != prev + 1
            if seq > high + 1:
                self.counts["gaps"] += 1
                self.counts["gap_messages"] += seq - high - 1
            elif seq <= high:
                self.counts["backwards"] += 1
        self.prev_seq[index], self.high_seq[index] = seq, max(high, seq)
        client_id = message.get("client_id")
        route = self.route.get(client_id)
        if route is not None:
            if index == route[1]:
                self.latency.setdefault(client_id, now - self.sent_at[client_id])
            elif index == route[0]:
                self.own_copy.add(client_id)
        elif (client_id, index) in self.warm:
            self.warm.discard((client_id, index))
        elif self.counting:
            self.counts["stray"] += 1

    def resolved(self, client_id: str) -> bool:
        if client_id in self.refused or client_id in self.blocked or client_id in self.held:
            return True
        return (
            client_id in self.accepted and client_id in self.latency and client_id in self.own_copy
        )

    def summary(self) -> dict[str, Any]:
        sent = set(self.sent_at)
        expected = {
            c
            for c in sent & self.accepted
            if c not in self.blocked and c not in self.held and c not in self.refused
        }
        delivered = expected & set(self.latency)
        answered = self.accepted | self.blocked | self.held | set(self.refused)
        latency = percentiles([self.latency[c] * 1000 for c in delivered])
        return {
            "sent": len(sent),
            "accepted": len(sent & self.accepted),
            "expected": len(expected),
            "delivered": len(delivered),
            "lost": len(expected - delivered),
            "delivered_unexpected": len(set(self.latency) - expected),
            "own_copy_lost": len(expected - self.own_copy),
            "unanswered": len(sent - answered),
            "blocked": len(sent & self.blocked),
            "held": len(sent & self.held),
            "refused": len(sent & set(self.refused)),
            "duplicates": self.counts["duplicates"],
            "out_of_order": self.counts["out_of_order"],
            "gaps": self.counts["gaps"],
            "gap_messages": self.counts["gap_messages"],
            "backwards": self.counts["backwards"],
            "stray": self.counts["stray"],
            "error_codes": dict(self.error_codes),
            "other_frames": dict(self.other_frames),
            "latency_ms": latency,
        }


async def warm_up(sockets: dict[int, ClientSocket], pairs, texts, count: int, tally: Tally) -> dict:
    """Send `count` messages (one per conversation, 50 ms apart) and wait for both copies.

    Their texts come from the end of the corpus, so that lazily built parts of the pipeline
    (language detection, translation) are built here and not inside the measured window.
    """
    started = time.perf_counter()
    for k, (a, b) in enumerate(pairs[:count]):
        client_id = f"warm-{time.time_ns()}-{k}"
        tally.warm |= {(client_id, a), (client_id, b)}
        frame = {"type": "message.send", "conversation": sockets[a].conversation}
        frame |= {"client_id": client_id, "text": texts[-1 - k % len(texts)]}
        await sockets[a].ws.send(json.dumps(frame))
        await asyncio.sleep(0.05)
    while tally.warm and time.perf_counter() - started < WARMUP_TIMEOUT:
        await asyncio.sleep(0.05)
    return {
        "sent": min(count, len(pairs)),
        "missing_copies": len(tally.warm),
        "seconds": round(time.perf_counter() - started, 2),
    }


async def send_schedule(config: dict, sockets, pairs, texts: list[str], tally: Tally) -> dict:
    """Send rate × duration messages on the fixed schedule; never wait for a reply."""
    rate, total = config["rate"], round(config["rate"] * config["duration"])
    behind_s = config["behind_ms"] / 1000
    behind, max_lag, send_failed = 0, 0.0, 0
    start = time.perf_counter() + 0.05
    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lag = time.perf_counter() - due
        max_lag = max(max_lag, lag)
        behind += lag > behind_s
        a, b = pairs[k % len(pairs)]
        sender, reader = (a, b) if (k // len(pairs)) % 2 == 0 else (b, a)
        client_id = f"{config['prefix']}{k}"
        frame = json.dumps(
            {
                "type": "message.send",
                "conversation": sockets[sender].conversation,
                "client_id": client_id,
                "text": texts[k % len(texts)],
            }
        )
        tally.route[client_id] = (sender, reader)
        tally.sent_at[client_id] = time.perf_counter()
        try:
            await sockets[sender].ws.send(frame)
        except Exception:
            send_failed += 1
            del tally.sent_at[client_id], tally.route[client_id]
    return {
        "behind_schedule": behind,
        "max_lag_ms": round(max_lag * 1000, 2),
        "send_failed": send_failed,
        "send_seconds": round(time.perf_counter() - start, 3),
    }


async def drain(tally: Tally, limit: float) -> float:
    """Wait until every message is resolved, or `limit` seconds; returns the time waited."""
    started = time.perf_counter()
    pending = list(tally.sent_at)
    while time.perf_counter() - started < limit:
        pending = [c for c in pending if not tally.resolved(c)]
        if not pending:
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def run(config: dict, loop_name: str) -> None:
    tally = Tally()
    texts, skipped = ham_texts(Path(config["corpus"]), config["max_chars"])
    urls, specs, pairs = config["urls"], [], []
    for k, conversation in enumerate(config["conversations"]):
        pairs.append((2 * k, 2 * k + 1))
        for j, member in enumerate(conversation["members"][:2]):
            index = 2 * k + j
            specs.append(
                (index, urls[index % len(urls)], member["token"], conversation["conversation"])
            )
    opened = await open_all(
        specs, tally.on_frame, concurrency=config["concurrency"], deflate=config["deflate"]
    )
    sockets = opened.sockets
    for index, sock in sockets.items():
        tally.prev_seq[index] = tally.high_seq[index] = sock.last_seq
    ready = {
        "connected": len(sockets),
        "failures": dict(opened.failures),
        "connect_seconds": round(opened.seconds, 2),
        "loop": loop_name,
        "texts": len(texts),
        "texts_skipped": skipped,
    }
    if opened.failures:
        report("ready", ok=False, **ready)
        await command("finish")
        await close_all(list(sockets.values()))
        return
    ready["warmup"] = await warm_up(sockets, pairs, texts, config["warmup"], tally)
    report("ready", ok=True, **ready)
    if await command("go", "finish") == "finish":
        await close_all(list(sockets.values()))
        return
    tally.counting = True
    schedule = await send_schedule(config, sockets, pairs, texts, tally)
    drained = await drain(tally, config["drain"])
    result = tally.summary() | schedule | closed_summary(list(sockets.values()))
    result["drain_seconds"] = round(drained, 2)
    report("done", result=result)
    await command("finish")
    await close_all(list(sockets.values()))


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    loop_name = install_uvloop()
    asyncio.run(run(config, loop_name))


if __name__ == "__main__":
    main()
