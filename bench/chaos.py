"""Chaos suite: the scale-out mode under steady traffic, one fault at a time.

Each scenario runs in a fresh target: PostgreSQL and Redis servers of this sitting (started
here so that they can be stopped and started again: PostgreSQL with pg_ctl on its data
directory, Redis on its port without persistence, as a crash leaves it), a database cloned from
the migrated, seeded template of bench/targets.py, Redis flushed, 2 uvicorn ASGI processes, 2
Celery workers (`--pool threads --concurrency 8`, docs/operations.md) and `celery beat` (the
sweep that hands stale pending messages to the pipeline again). The product runs with its own
defaults (PIPELINE_STALE_SECONDS, PIPELINE_SWEEP_SECONDS, PIPELINE_ORDER_WAIT ...); only rate
limits are lifted and socket tokens live an hour (bench/targets.py's environment); --env
overrides a setting, and the report says so.

The traffic client (bench/chaosclient.py, its own process) holds both members' sockets of
--conversations two-member conversations spread over the ASGI processes and sends --rate msg/s
in all for --duration s; the fault starts --fault-at s after the first send. Sockets reconnect,
resubscribe with `since` and resend what they have not seen delivered, as the web client does.
Then it waits up to --drain s for every accepted message to reach its reader.

Scenarios (the fault window runs from the fault to the moment the system is whole again):
  baseline            no fault: the floor
  kill-worker         SIGKILL one of 2 workers; a new one starts 2 s later (restart: unless-
                      stopped in docker-compose.yml); window ends when it logs "ready."
  kill-only-worker    1 worker only; SIGKILL, a new one starts 5 s later
  kill-asgi           SIGKILL one ASGI process; its sockets reconnect to the other one; it starts
                      again on its port 2 s later
  redis-stop-5s       Redis (broker, channel layer, cache) stopped for 5 s and started again on
                      its port, empty: its queues and channel-layer state are lost
  postgres-stop-5s    `pg_ctl stop -m fast`, 5 s, `pg_ctl start`
  broker-unreachable  the ASGI processes reach the broker through a relay here
                      (CELERY_BROKER_URL); for 5 s it refuses new connections and resets open
                      ones: every publish fails, while workers, the channel layer and the cache
                      keep their Redis

Counted per scenario, over the messages sent in the window (warm-up excluded):
  accepted     answered message.accepted (after any number of resends of one client_id)
  delivered    accepted, and received by the other member as message.new
  lost         accepted and not delivered when the drain ended
  duplicated   message.new frames a socket received for a seq it already had (it only ever
               asks for seq > the highest it has, so no replay repeats one), plus a message id
               received under two seqs, plus a client_id that named two message ids
  out-of-order message.new frames whose seq is not the socket's highest + 1 (a gap the server
               left, or a number filled in late)
  overtaken    delivered with a higher seq than a message the server accepted after it
               (allowed once PIPELINE_ORDER_WAIT has passed: docs/protocol.md)
  late         delivered (or lost) more than 30 s after max(accepted, end of the fault window)
  recovery     from the end of the fault window to the delivery of the last message accepted
               before it (0 when all were delivered by then)
Target: 0 lost, 0 duplicated, 0 late in every scenario.

    .venv/bin/python bench/chaos.py                                     # all 7, about 13 min
    .venv/bin/python bench/chaos.py --quick                             # shorter runs
    .venv/bin/python bench/chaos.py --scenarios baseline,kill-worker --rate 20 --duration 40 \
        --json chaos.json
    .venv/bin/python bench/chaos.py --scenarios kill-worker --env PIPELINE_STALE_SECONDS=20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench import proc, targets  # noqa: E402
from bench.load import Client, machine  # noqa: E402
from bench.loadreport import _num, _table  # noqa: E402
from tests.support.servers import (  # noqa: E402
    RedisServer,
    _as_postgres_user,
    free_port,
    postgres_bindir,
    wait_for_port,
)

LATE_SECONDS = 30.0
TARGET = "xlate-scaleout"


# --- servers that can be stopped and started again -------------------------------------------


class Postgres:
    """A throwaway PostgreSQL cluster driven by pg_ctl, so a scenario can stop it and start it
    again on the same data directory and port."""

    def __init__(self, workdir: Path) -> None:
        self.prefix = _as_postgres_user()
        self.bindir = postgres_bindir()
        self.dir = workdir / "pg"
        self.data = self.dir / "data"
        self.dir.mkdir(parents=True)
        if self.prefix:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/xlate"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.prefix, str(self.bindir / tool), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.dir} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300"
        )
        log = str(self.dir / "postgres.log")
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", log, "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "stop", "-w", "-D", str(self.data), "-m", mode)

    def pid(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None


class BrokerGate:
    """A TCP relay to the broker on a thread of its own. Open, it forwards; shut, it refuses
    new connections and resets the open ones (an unreachable broker that fails fast)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.open_writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="broker-gate", daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _call(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def open(self) -> None:
        self._call(self._open())

    def shut(self) -> None:
        self._call(self._shut())

    async def _open(self) -> None:
        self.server = await asyncio.start_server(
            self._relay, "127.0.0.1", self.port, reuse_address=True
        )

    async def _shut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.open_writers):
            sock = writer.get_extra_info("socket")
            if sock is not None:  # linger 0: the close is a reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        self.open_writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self.open_writers |= {writer, upstream}

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.transport.abort()

        await asyncio.gather(pump(reader, upstream), pump(upstream_reader, writer))
        self.open_writers -= {writer, upstream}

    def close(self) -> None:
        self.shut()
        self.loop.call_soon_threadsafe(self.loop.stop)


@dataclass
class Services:
    postgres: Postgres
    redis: RedisServer
    gate: BrokerGate


@contextlib.contextmanager
def chaos_services(workdir: Path):
    """PostgreSQL, Redis and the broker relay for the sitting; PostgreSQL's data is removed
    afterwards, its log kept."""
    services_dir = workdir / "services"
    services_dir.mkdir()
    postgres = Postgres(services_dir)
    postgres.start()
    try:
        redis_server = RedisServer(services_dir).start()
        gate = BrokerGate(redis_server.port)
        try:
            gate.open()
            yield Services(postgres, redis_server, gate)
        finally:
            gate.close()
            redis_server.stop()
    finally:
        with contextlib.suppress(RuntimeError):
            postgres.stop("immediate")
        shutil.rmtree(postgres.data, ignore_errors=True)


# --- one scenario's target ---------------------------------------------------------------------


@dataclass
class Cluster:
    """The processes of one scenario: ASGI servers, Celery workers and beat, on the run's own
    database (cloned from the sitting's template) and a flushed Redis."""

    run_dir: Path
    run: int
    pool: str
    env: dict[str, str]
    asgi_env: dict[str, str]
    running: targets.Running
    ports: list[int] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)

    def _start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = proc.start(argv, env=env, log=self.run_dir / f"{name}.log")
        self.processes[name] = process
        return process

    def asgi(self, name: str, port: int) -> None:
        app = "xlate_site.asgi:application"
        process = self._start(name, targets._uvicorn(app, port), self.asgi_env)
        wait_for_port(port, timeout=60, process=process)

    def worker(self, name: str) -> None:
        kind, _, concurrency = self.pool.partition(":")
        argv = [
            str(targets.BIN / "celery"), "-A", "xlate_site", "worker", "--pool", kind,
            "--concurrency", concurrency or "1", "--hostname", f"chaos{self.run}-{name}@%h",
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        self._start(name, argv, self.env)

    def beat(self) -> None:
        schedule = str(self.run_dir / "beat-schedule")
        argv = [str(targets.BIN / "celery"), "-A", "xlate_site", "beat", "--loglevel", "INFO"]
        self._start("beat", [*argv, "--schedule", schedule], self.env)

    def wait_ready(self, name: str, timeout: float = 120.0) -> None:
        """Wait for a worker to log that it consumes."""
        log, process = self.run_dir / f"{name}.log", self.processes[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in log.read_text(errors="replace"):
                return
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited {process.returncode} before it was ready")
            time.sleep(0.1)
        raise TimeoutError(f"{name} not ready after {timeout:.0f} s")

    def kill(self, name: str) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost host would: no goodbye."""
        process = self.processes[name]
        self.killed.add(name)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def dead(self) -> list[str]:
        """Processes that exited on their own."""
        return [
            f"{name} exited {process.returncode}"
            for name, process in self.processes.items()
            if name not in self.killed and process.poll() is not None
        ]

    def stop(self, sitting: targets.Sitting) -> None:
        proc.stop(list(self.processes.values()))
        if self.running.database is not None:
            with contextlib.suppress(Exception):
                targets._admin(
                    sitting, f"DROP DATABASE IF EXISTS {self.running.database} WITH (FORCE)"
                )


def start_cluster(
    sitting: targets.Sitting,
    services: Services,
    run_dir: Path,
    *,
    workers: int,
    pool: str,
    gate: bool,
    overrides: dict[str, str],
) -> Cluster:
    sitting.runs += 1
    redis.Redis.from_url(sitting.redis_url).flushall()
    running = targets.Running(TARGET, [], [], database=f"xlate_run_{sitting.runs}")
    env = targets._xlate_run_env(sitting, running, run_dir)
    env |= {"SOCKET_TOKEN_MAX_AGE": "3600", "PYTHONUNBUFFERED": "1", **overrides}
    asgi_env = env | {"CELERY_BROKER_URL": services.gate.url} if gate else env
    cluster = Cluster(run_dir, sitting.runs, pool, env, asgi_env, running)
    try:
        running.conversations = targets._mint_tokens(env, run_dir)
        for i in range(workers):
            cluster.worker(f"worker-{i}")
        cluster.beat()
        for i in range(2):
            cluster.ports.append(free_port())
            cluster.asgi(f"asgi-{i}", cluster.ports[-1])
            running.urls.append(f"ws://127.0.0.1:{cluster.ports[-1]}/ws/chat/")
        for i in range(workers):
            cluster.wait_ready(f"worker-{i}")
    except BaseException:
        cluster.stop(sitting)
        raise
    return cluster


# --- the faults --------------------------------------------------------------------------------


@dataclass
class Fault:
    """When the fault began and when the system was whole again (time.monotonic())."""

    start: float | None = None
    end: float | None = None
    events: list[tuple[float, str]] = field(default_factory=list)

    def mark(self, what: str) -> float:
        now = time.monotonic()
        self.events.append((now, what))
        return now


Inject = Callable[[Cluster, Services, Fault], None]


def kill_worker(restart_after: float) -> Inject:
    def inject(cluster: Cluster, services: Services, fault: Fault) -> None:
        fault.start = fault.mark("SIGKILL worker-0")
        cluster.kill("worker-0")
        time.sleep(restart_after)
        fault.mark("worker-0r started")
        cluster.worker("worker-0r")
        cluster.wait_ready("worker-0r")
        fault.end = fault.mark("worker-0r ready")

    return inject


def kill_asgi(cluster: Cluster, services: Services, fault: Fault) -> None:
    fault.start = fault.mark("SIGKILL asgi-0")
    cluster.kill("asgi-0")
    time.sleep(2)
    cluster.asgi("asgi-0r", cluster.ports[0])
    fault.end = fault.mark("asgi-0r listening")


def stop_redis(cluster: Cluster, services: Services, fault: Fault) -> None:
    fault.start = fault.mark("redis stopping")
    services.redis.stop()
    fault.mark("redis stopped")
    time.sleep(5)
    services.redis.start()
    fault.end = fault.mark("redis listening (empty)")


def stop_postgres(cluster: Cluster, services: Services, fault: Fault) -> None:
    fault.start = fault.mark("pg_ctl stop -m fast")
    services.postgres.stop("fast")
    fault.mark("postgres stopped")
    time.sleep(5)
    services.postgres.start()
    fault.end = fault.mark("postgres accepting connections")


def shut_broker(cluster: Cluster, services: Services, fault: Fault) -> None:
    fault.start = fault.mark("broker relay shut")
    services.gate.shut()
    time.sleep(5)
    services.gate.open()
    fault.end = fault.mark("broker relay open")


@dataclass(frozen=True)
class Scenario:
    workers: int
    inject: Inject | None
    gate: bool = False


SCENARIOS = {
    "baseline": Scenario(2, None),
    "kill-worker": Scenario(2, kill_worker(2.0)),
    "kill-only-worker": Scenario(1, kill_worker(5.0)),
    "kill-asgi": Scenario(2, kill_asgi),
    "redis-stop-5s": Scenario(2, stop_redis),
    "postgres-stop-5s": Scenario(2, stop_postgres),
    "broker-unreachable": Scenario(2, shut_broker, gate=True),
}


def restore(services: Services) -> None:
    """Bring back whatever a failed scenario left down, for the next one."""
    if services.redis.process is None:
        services.redis.start()
    if services.gate.server is None:
        services.gate.open()
    if services.postgres.pid() is None:
        services.postgres.start()


# --- counting ----------------------------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]


def _longest_gap(times: list[float], start: float, end: float) -> float:
    """The longest stretch of [start, end] without an event."""
    points = [start, *sorted(t for t in times if start <= t <= end), end]
    return max(b - a for a, b in zip(points, points[1:], strict=False))


def socket_counts(peers: list[dict]) -> Counter:
    """Duplicates and order as every socket saw them (warm-up frames included)."""
    counts: Counter = Counter()
    for peer in peers:
        seqs: dict[int, int] = {}
        ids: dict[int, int] = {}
        high = 0
        for _at, seq, pk, _client_id, kind in peer["frames"]:
            if kind == "message.update" or seq is None:
                continue
            if seq in seqs:
                counts["dup_frames"] += 1
                counts["seq_conflicts"] += seqs[seq] != pk
                continue
            if pk in ids:
                counts["renumbered"] += 1
                continue
            counts["out_of_order"] += seq != high + 1
            seqs[seq], ids[pk] = pk, seq
            high = max(high, seq)
        counts["holes"] += len(set(range(1, high + 1)) - set(seqs))
        for name, value in peer["stats"].items():
            counts[name] += value
    return counts


def overtaken(delivered: list[dict]) -> int:
    """Messages numbered above one the server accepted after them (ids are in accept order)."""
    count = 0
    by_conversation: dict[int, list[dict]] = defaultdict(list)
    for m in delivered:
        by_conversation[m["conversation"]].append(m)
    for messages in by_conversation.values():
        lowest_later: int | None = None
        for m in sorted(messages, key=lambda m: m["id"], reverse=True):
            count += lowest_later is not None and m["seq"] > lowest_later
            lowest_later = m["seq"] if lowest_later is None else min(lowest_later, m["seq"])
    return count


def analyse(out: dict, fault: Fault) -> dict[str, Any]:
    go, ended = out["go"], out["ended"]
    messages = [m for m in out["messages"] if not m["warm"]]
    accepted = [m for m in messages if m["accepted_at"] is not None]
    expected = [m for m in accepted if m["refused"] is None]
    delivered = [m for m in expected if m["delivered_at"] is not None]
    latency = [m["delivered_at"] - m["accepted_at"] for m in delivered]
    end = fault.end

    def due(m: dict) -> float:
        return max(m["accepted_at"], end) if end is not None else m["accepted_at"]

    late = [m for m in expected if (m["delivered_at"] or ended) - due(m) > LATE_SECONDS]
    record: dict[str, Any] = {
        "sent": sum(m["first_sent"] is not None for m in messages),
        "scheduled": len(messages),
        "accepted": len(accepted),
        "refused": dict(Counter(m["refused"] for m in messages if m["refused"])),
        "unanswered": sum(m["accepted_at"] is None and m["refused"] is None for m in messages),
        "expected": len(expected),
        "delivered": len(delivered),
        "lost": len(expected) - len(delivered),
        "lost_ids": [m["id"] for m in expected if m["delivered_at"] is None][:20],
        "own_copy_missing": sum(m["own_at"] is None for m in expected),
        "late": len(late),
        "late_ids": [m["id"] for m in late][:20],
        "double_rows": sum(len(set(m["ids"])) > 1 for m in messages),
        "overtaken": overtaken(delivered),
        "latency_ms": {
            "p50": _percentile(latency, 50) * 1000 if latency else None,
            "p99": _percentile(latency, 99) * 1000 if latency else None,
            "max": max(latency) * 1000 if latency else None,
        },
        "sends": sum(len(m["sends"]) for m in messages),
        "send_errors": dict(Counter(e for m in messages for e in m["errors"])),
        "accept_gap_s": _longest_gap(
            [m["accepted_at"] for m in accepted], go, out["sending_ended"]
        ),
        "drain_seconds": out["drain_seconds"],
        "schedule": out["schedule"],
        "stray": out["stray"],
        "sockets": dict(socket_counts(out["peers"])),
        "events": [(round(t - go, 2), what) for t, what in fault.events],
    }
    counts = record["sockets"]
    record["duplicated"] = (
        counts.get("dup_frames", 0) + counts.get("renumbered", 0) + record["double_rows"]
    )
    record["out_of_order"] = counts.get("out_of_order", 0)
    if fault.start is not None and end is not None:
        record["fault_window"] = (round(fault.start - go, 2), round(end - go, 2))
        before = [m for m in expected if m["accepted_at"] <= end]
        if any(m["delivered_at"] is None for m in before):
            record["recovery_s"] = None  # never, within the drain
        else:
            last = max((m["delivered_at"] for m in before), default=end)
            record["recovery_s"] = max(0.0, last - end)
        during = [
            m["delivered_at"] - m["accepted_at"]
            for m in delivered
            if fault.start <= m["accepted_at"] <= end
        ]
        record["fault_latency_max_s"] = max(during) if during else None
    return record


def message_rows(sitting: targets.Sitting, running: targets.Running, ids: list[int]) -> list:
    """(id, status, seconds from accepted to the last hand-off) of the messages given."""
    if not ids:
        return []
    url = sitting.database_url.rsplit("/", 1)[0] + f"/{running.database}"
    query = (
        "SELECT id, status, EXTRACT(EPOCH FROM requeued_at - created_at) FROM chat_message "
        "WHERE id = ANY(%s) ORDER BY id"
    )
    with psycopg.connect(url) as connection:
        rows = connection.execute(query, [ids]).fetchall()
    return [(pk, status, None if s is None else round(float(s), 1)) for pk, status, s in rows]


def passed(record: dict) -> bool:
    return (
        "error" not in record
        and record["lost"] == 0
        and record["duplicated"] == 0
        and record["late"] == 0
        and record["unanswered"] == 0
    )


# --- a run -------------------------------------------------------------------------------------


def client_config(args, cluster: Cluster, out: Path) -> dict[str, Any]:
    return {
        "urls": cluster.running.urls,
        "conversations": cluster.running.conversations[: args.conversations],
        "rate": args.rate,
        "duration": args.duration,
        "drain": args.drain,
        "ping_interval": args.ping_interval,
        "prefix": f"c{cluster.run}-",
        "out": str(out),
    }


def run_scenario(args, sitting: targets.Sitting, services: Services, name: str) -> dict:
    scenario = SCENARIOS[name]
    run_dir = sitting.workdir / f"{sitting.runs + 1:02d}-{name}"
    run_dir.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"scenario": name, "workers": scenario.workers, "logs": str(run_dir)}
    try:
        cluster = start_cluster(
            sitting,
            services,
            run_dir,
            workers=scenario.workers,
            pool=args.pool,
            gate=scenario.gate,
            overrides=args.overrides,
        )
    except Exception as error:
        record["error"] = f"start failed: {error!r}"
        for log in sorted(run_dir.glob("*.log")):
            print(f"--- {log}\n{proc.log_tail(log)}", file=sys.stderr)
        return record
    client: Client | None = None
    try:
        config = client_config(args, cluster, run_dir / "client-out.json")
        client = Client("chaosclient.py", config, run_dir, 0)
        ready = client.expect("ready", 240)
        if not ready["ok"]:
            raise RuntimeError(f"sockets did not open: {ready}")
        record["warmup"] = ready["warmup"]
        record["loadavg_start"] = proc.loadavg()
        client.tell("go")
        go = time.monotonic()
        fault = Fault()
        if scenario.inject is not None:
            time.sleep(max(0.0, go + args.fault_at - time.monotonic()))
            scenario.inject(cluster, services, fault)
        done = client.expect("done", args.duration + args.drain + 300)
        record["loadavg_end"] = proc.loadavg()
        record |= analyse(json.loads(Path(done["out"]).read_text()), fault)
        record["statuses"] = targets.message_statuses(sitting, cluster.running, run_dir)
        record["lost_rows"] = message_rows(sitting, cluster.running, record["lost_ids"])
        record["dead"] = cluster.dead()
    except Exception as error:
        record["error"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
    finally:
        if client is not None:
            client.tell("finish")
            with contextlib.suppress(subprocess.TimeoutExpired):
                client.process.wait(timeout=30)
            proc.stop([client.process])
        cluster.stop(sitting)
        restore(services)
        record["server_logs"] = {
            log.name: proc.log_problems(log)
            for log in sorted(run_dir.glob("*.log"))
            if not log.name.startswith("client")
        }
    return record


# --- the report --------------------------------------------------------------------------------

COLUMNS = (
    "scenario",
    "fault window s",
    "accepted",
    "delivered",
    "lost",
    "dup",
    "out-of-order",
    "overtaken",
    "late >30 s",
    "recovery s",
    "max latency s (fault / all)",
    "p50 ms",
    "accept gap s",
    "resends",
    "reconnects",
    "loadavg start→end",
    "target",
)


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def row(record: dict) -> list[str]:
    if "accepted" not in record:
        return [record["scenario"], "failed"] + ["–"] * (len(COLUMNS) - 2)
    window = record.get("fault_window")
    recovery = record.get("recovery_s", "–")
    if recovery != "–":
        recovery = "never" if recovery is None else f"{recovery:.1f}"
    start, end = record.get("loadavg_start"), record.get("loadavg_end")
    return [
        record["scenario"],
        f"{window[0]:.1f}→{window[1]:.1f}" if window else "–",
        _num(record["accepted"]),
        _num(record["delivered"]),
        _num(record["lost"]),
        _num(record["duplicated"]),
        _num(record["out_of_order"]),
        _num(record["overtaken"]),
        _num(record["late"]),
        recovery,
        f"{_seconds(record.get('fault_latency_max_s'))} / "
        f"{_seconds((record['latency_ms']['max'] or 0) / 1000)}",
        _num(record["latency_ms"]["p50"], 0),
        _seconds(record["accept_gap_s"]),
        _num(record["sends"] - record["sent"]),
        _num(record["sockets"].get("reconnects", 0)),
        f"{start[0]:.2f}→{end[0]:.2f}" if start and end else "–",
        "PASS" if passed(record) else "MISS",
    ]


def notes(record: dict) -> list[str]:
    """What a reader of the table must know about one scenario."""
    out = []
    if record.get("error"):
        out.append(f"error: {record['error']}")
    if record.get("events"):
        out.append("events (s after the first send): " + ", ".join(
            f"{at} {what}" for at, what in record["events"]
        ))  # fmt: skip
    for key in ("unanswered", "own_copy_missing", "double_rows", "stray"):
        if record.get(key):
            out.append(f"{key}: {record[key]}")
    for key in ("refused", "send_errors"):
        if record.get(key):
            out.append(f"{key}: {record[key]}")
    if record.get("lost_rows"):
        out.append(f"lost messages at the end (first 20): {record['lost_rows']}")
    if record.get("late_ids"):
        out.append(f"late message ids (first 20): {record['late_ids']}")
    sockets = {k: v for k, v in record.get("sockets", {}).items() if v}
    if sockets:
        out.append(f"sockets: {sockets}")
    if record.get("statuses"):
        out.append(f"messages in the database at the end, by status: {record['statuses']}")
    if record.get("warmup", {}).get("unsettled"):
        out.append(f"warm-up incomplete: {record['warmup']}")
    if record.get("drain_seconds") is not None:
        out.append(f"drain: {record['drain_seconds']} s; schedule: {record.get('schedule')}")
    out += [f"process died: {dead}" for dead in record.get("dead", [])]
    for name, problems in record.get("server_logs", {}).items():
        if problems["error"] or problems["traceback"]:
            out.append(
                f"{name}: {problems['error']} ERROR, {problems['traceback']} Traceback, "
                f"{problems['warning']} WARNING lines; first: {problems['first'][:3]}"
            )
    return out


def scenario_report(record: dict) -> str:
    lines = [f"### {record['scenario']}", "", _table(COLUMNS, [row(record)])]
    return "\n".join([*lines, *(f"- {note}" for note in notes(record)), ""])


# --- the command -------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rate", type=float, default=20.0, help="total msg/s")
    parser.add_argument("--duration", type=float, default=None, help="seconds of sending (30)")
    parser.add_argument("--fault-at", type=float, default=None, help="s after the first send (8)")
    parser.add_argument("--drain", type=float, default=None, help="max s after the last (200)")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--ping-interval", type=float, default=25.0, help="client heartbeat s")
    parser.add_argument("--pool", default="threads:8", help="each worker's pool:concurrency")
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for every process (not a default)"
    )
    parser.add_argument("--quick", action="store_true", help="15 s runs, fault at 5 s, drain 60")
    parser.add_argument("--logs", type=Path, default=None, help="directory for all logs")
    parser.add_argument("--json", type=Path, default=None, help="write results here")
    args = parser.parse_args()
    quick = args.quick
    args.duration = args.duration or (15.0 if quick else 30.0)
    args.fault_at = args.fault_at if args.fault_at is not None else (5.0 if quick else 8.0)
    args.drain = args.drain if args.drain is not None else (60.0 if quick else 200.0)
    args.scenario_list = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenario_list) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {list(SCENARIOS)}")
    args.overrides = dict(item.split("=", 1) for item in args.env)
    return args


def commit() -> str:
    """The checkout's commit (+dirty with uncommitted changes to tracked files)."""

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "not a git checkout"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def main() -> None:
    args = parse_args()
    proc.raise_nofile_limit()
    workdir = args.logs or Path(tempfile.mkdtemp(prefix="xlate-chaos-"))
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # PostgreSQL runs as its own user below it
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "commit": commit(),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine(),
        "runs": [],
    }
    began = time.monotonic()
    print(f"logs: {workdir}   commit: {results['commit']}", flush=True)
    if args.overrides:
        print(f"NOT the product's defaults: {args.overrides}", flush=True)
    try:
        with chaos_services(workdir) as services:
            sitting = targets.Sitting(
                workdir,
                args.conversations,
                False,
                services.postgres.url,
                services.redis.url,
                {},
            )
            started = time.monotonic()
            targets.prepare(sitting, TARGET)
            print(f"prepared {TARGET} in {time.monotonic() - started:.1f} s", flush=True)
            for name in args.scenario_list:
                started = time.monotonic()
                record = run_scenario(args, sitting, services, name)
                record["seconds"] = round(time.monotonic() - started, 1)
                results["runs"].append(record)
                print(scenario_report(record), flush=True)
    finally:
        results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        minutes = (time.monotonic() - began) / 60
        print(f"## Chaos suite ({results['commit']}, {minutes:.1f} min)\n")
        print(_table(COLUMNS, [row(r) for r in results["runs"]]))
        if args.json is not None:
            args.json.write_text(json.dumps(results, indent=1, default=str))
            print(f"results: {args.json}")


if __name__ == "__main__":
    main()
