"""Load benchmark of the chat socket against its own floor: delivery, order, latency, CPU, memory.

Targets (bench/targets.py): floor-pubsub and floor-memory (bench/floor, a bare Channels
broadcast server), xlate-scaleout (PostgreSQL + Redis, uvicorn + Celery workers) and
xlate-embedded (SQLite, in-process pipeline). PostgreSQL and Redis are throwaway servers
started once for the sitting (tests/support/servers.py); each run starts its target afresh.

Load mode (default): for each rate, every selected target runs once, one after another, before
the next rate, so machine noise hits all alike. The client (bench/loadclient.py, its own
process) holds 2 sockets in each of --conversations two-member conversations, translation on,
and sends at the rate for --duration seconds, then waits up to --drain seconds. Server CPU per
component (ASGI, Celery, PostgreSQL, Redis; /proc, process trees with reaped children) and the
client's CPU are taken from after the sockets are subscribed (and a warm-up delivered) to the
end of the drain, and reported in ms per message delivered to its reader.

Idle mode (--idle): --sockets authenticated, subscribed sockets on one ASGI process held for
--hold seconds (bench/idleclient.py, --client-procs processes); reports the ASGI process's RSS
and Pss before any socket and after all are subscribed, memory per socket, and the pongs to
one application ping per socket spread over the hold. xlate-scaleout runs without workers here.

    .venv/bin/python bench/load.py                                  # all targets, 7 rates, 20 s
    .venv/bin/python bench/load.py --quick                          # rates 10,50 for 5 s
    .venv/bin/python bench/load.py --targets floor-pubsub,xlate-scaleout --rates 50,100 \
        --duration 20 --drain 10 --asgi 1 --workers 2 --json load.json
    .venv/bin/python bench/load.py --idle --sockets 10000 --hold 60 --json idle.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import queue
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadreport, proc, targets  # noqa: E402
from tests.support.servers import running_services  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "sms-spam-collection" / "SMSSpamCollection.tsv"
PACKAGES = ("django", "channels", "channels-redis", "redis", "uvicorn", "websockets", "celery")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", default=",".join(targets.TARGETS))
    parser.add_argument("--rates", default=None, help="total msg/s (10,25,50,100,150,200,300)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per run (20)")
    parser.add_argument("--drain", type=float, default=10.0, help="max seconds after last send")
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--asgi", type=int, default=1, help="uvicorn processes (xlate-scaleout)")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (xlate-scaleout)")
    parser.add_argument(
        "--pool",
        default="threads:4",
        help="each worker's pool and concurrency, as in docs/operations.md (prefork:1, solo)",
    )
    parser.add_argument("--warmup", type=int, default=10, help="messages before the window")
    parser.add_argument("--behind-ms", type=float, default=10.0, help="lateness that counts")
    parser.add_argument("--max-chars", type=int, default=300, help="longest corpus text used")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes at once")
    parser.add_argument("--deflate", action="store_true", help="offer permessage-deflate")
    parser.add_argument("--quick", action="store_true", help="defaults: rates 10,50; 5 s each")
    parser.add_argument("--idle", action="store_true")
    parser.add_argument("--sockets", type=int, default=10000, help="idle sockets")
    parser.add_argument("--hold", type=float, default=60.0, help="idle hold, seconds")
    parser.add_argument("--client-procs", type=int, default=1, help="idle client processes")
    parser.add_argument("--logs", type=Path, default=None, help="directory for all logs")
    parser.add_argument("--json", type=Path, default=None, help="write results here")
    args = parser.parse_args()
    quick = {"rates": "10,50", "duration": 5.0} if args.quick else {}
    args.rates = args.rates or quick.get("rates", "10,25,50,100,150,200,300")
    args.duration = args.duration or quick.get("duration", 20.0)
    args.target_list = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(args.target_list) - set(targets.TARGETS)
    if unknown:
        parser.error(f"unknown targets {sorted(unknown)}; choose from {targets.TARGETS}")
    args.rate_list = [float(r) if "." in r else int(r) for r in args.rates.split(",")]
    return args


class Client:
    """A client process and the JSON lines it prints, read by a thread."""

    def __init__(self, script: str, config: dict, run_dir: Path, index: int) -> None:
        path = run_dir / f"client-{index}.json"
        path.write_text(json.dumps(config))
        self.process = proc.start(
            [sys.executable, str(ROOT / "bench" / script), str(path)],
            env=dict(os.environ),
            log=run_dir / f"client-{index}.log",
            pipes=True,
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                self.lines.put(json.loads(line))
            except ValueError:
                self.lines.put({"event": "noise", "line": line.strip()})
        self.lines.put({"event": "exit"})

    def expect(self, event: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"client sent no {event!r} in {timeout:.0f} s") from None
            if message["event"] == event:
                return message
            if message["event"] == "exit":
                raise RuntimeError(f"client exited ({self.process.poll()}) before {event!r}")

    def tell(self, word: str) -> None:
        try:
            self.process.stdin.write(word + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass


def snapshot(sitting: targets.Sitting, running: targets.Running, clients: list[Client]) -> dict:
    return {
        "cpu": {name: proc.cpu_seconds(pids) for name, pids in running.roots(sitting).items()},
        "client": proc.cpu_seconds([c.process.pid for c in clients]),
        "loadavg": proc.loadavg(),
        "time": time.monotonic(),
    }


def window(record: dict, before: dict, after: dict, delivered: int) -> None:
    """CPU used between two snapshots, total and per delivered message."""
    used = {name: after["cpu"][name] - before["cpu"][name] for name in before["cpu"]}
    used["total"] = sum(used.values())
    per = (lambda s: s * 1000 / delivered) if delivered else (lambda s: None)
    client = after["client"] - before["client"]
    record["cpu_seconds"] = {name: round(s, 3) for name, s in used.items()}
    record["client_cpu_seconds"] = round(client, 3)
    record["cpu_ms_per_delivered"] = {name: per(s) for name, s in used.items()}
    record["client_cpu_ms_per_delivered"] = per(client)
    record["loadavg_start"], record["loadavg_end"] = before["loadavg"], after["loadavg"]
    record["window_seconds"] = round(after["time"] - before["time"], 2)


def load_client_config(args, running: targets.Running, rate: float) -> dict:
    return {
        "urls": running.urls,
        "conversations": running.conversations,
        "rate": rate,
        "duration": args.duration,
        "drain": args.drain,
        "warmup": args.warmup,
        "behind_ms": args.behind_ms,
        "corpus": str(args.corpus),
        "max_chars": args.max_chars,
        "concurrency": args.concurrency,
        "deflate": args.deflate,
        "prefix": f"r{rate}-",
    }


def idle_client_configs(args, running: targets.Running) -> list[dict]:
    sockets = [
        (2 * k + j, member["token"], row["conversation"])
        for k, row in enumerate(running.conversations)
        for j, member in enumerate(row["members"][:2])
    ][: args.sockets]
    base = {"urls": running.urls, "total": len(sockets), "hold": args.hold, "grace": 5.0}
    base |= {"concurrency": args.concurrency, "deflate": args.deflate}
    n = max(1, args.client_procs)
    return [base | {"sockets": sockets[p::n]} for p in range(n)]


def measure_load(args, sitting, running, run_dir: Path, record: dict, clients: list) -> None:
    clients.append(
        Client("loadclient.py", load_client_config(args, running, record["rate"]), run_dir, 0)
    )
    ready = clients[0].expect("ready", 180)
    record.update({k: v for k, v in ready.items() if k not in ("event", "ok")})
    if not ready["ok"]:
        raise RuntimeError(f"sockets failed to open: {ready['failures']}")
    before = snapshot(sitting, running, clients)
    clients[0].tell("go")
    done = clients[0].expect("done", args.duration + args.drain + 120)
    after = snapshot(sitting, running, clients)
    record.update(done["result"])
    window(record, before, after, record["delivered"])


def measure_idle(args, sitting, running, run_dir: Path, record: dict, clients: list) -> None:
    asgi = running.asgi[0].pid
    record["rss_before_kib"], record["pss_before_kib"] = proc.rss_kib(asgi), proc.pss_kib(asgi)
    for i, config in enumerate(idle_client_configs(args, running)):
        clients.append(Client("idleclient.py", config, run_dir, i))
    readies = [c.expect("ready", 900) for c in clients]
    record["connected"] = sum(r["connected"] for r in readies)
    record["connect_seconds"] = max(r["connect_seconds"] for r in readies)
    record["failures"] = {}
    for r in readies:
        for reason, count in r["failures"].items():
            record["failures"][reason] = record["failures"].get(reason, 0) + count
    record["rss_after_kib"], record["pss_after_kib"] = proc.rss_kib(asgi), proc.pss_kib(asgi)
    record["client_rss_kib"] = sum(proc.rss_kib(c.process.pid) or 0 for c in clients)
    for key in ("rss", "pss"):
        grown = (record[f"{key}_after_kib"] or 0) - (record[f"{key}_before_kib"] or 0)
        record[f"{key}_kib_per_socket"] = (
            grown / record["connected"] if record["connected"] else None
        )
    before = snapshot(sitting, running, clients)
    for client in clients:
        client.tell("go")
    results = [c.expect("done", args.hold + 120)["result"] for c in clients]
    after = snapshot(sitting, running, clients)
    record["rss_end_kib"] = proc.rss_kib(asgi)
    for key in ("pings", "pongs_ok", "pongs_wrong", "closed_during_run"):
        record[key] = sum(r[key] for r in results)
    for key in ("error_codes", "other_frames", "close_codes"):
        record[key] = {}
        for r in results:
            for name, count in r[key].items():
                record[key][name] = record[key].get(name, 0) + count
    # The worst client's percentiles: a fair upper bound without merging raw samples.
    rtts = [r["pong_rtt_ms"] for r in results if r["pong_rtt_ms"]["max"] is not None]
    record["pong_rtt_ms"] = {
        q: max((r[q] for r in rtts), default=None) for q in ("p50", "p99", "max")
    }
    window(record, before, after, 0)


def run_one(args, sitting: targets.Sitting, target: str, rate: float | None) -> dict:
    mode = "idle" if args.idle else "load"
    name = f"{target}-idle" if args.idle else f"{target}-{rate}"
    run_dir = sitting.workdir / f"{sitting.runs + 1:02d}-{name}"
    run_dir.mkdir(parents=True, exist_ok=True)
    record = {"target": target, "mode": mode, "rate": rate, "logs": str(run_dir)}
    if args.idle:
        record["sockets"] = args.sockets
    try:
        # Idle mode measures one ASGI process and needs no pipeline.
        asgi, workers = (1, 0) if args.idle else (args.asgi, args.workers)
        running = targets.start(
            sitting, target, run_dir, asgi=asgi, workers=workers, pool=args.pool
        )
    except Exception as error:
        record["error"] = f"start failed: {error!r}"
        for log in sorted(run_dir.glob("*.log")):
            print(f"--- {log}\n{proc.log_tail(log)}", file=sys.stderr)
        return record
    clients: list[Client] = []
    try:
        measure = measure_idle if args.idle else measure_load
        measure(args, sitting, running, run_dir, record, clients)
        record["dead"] = running.dead()
        if target.startswith("xlate"):
            try:
                record["message_statuses"] = targets.message_statuses(sitting, running, run_dir)
            except Exception as error:  # a diagnostic only: the schema may have moved on
                record["message_statuses"] = {"unreadable": repr(error)}
    except Exception as error:
        record["error"] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
        for log in [*running.logs, *(run_dir / f"client-{i}.log" for i in range(len(clients)))]:
            print(f"--- {log}\n{proc.log_tail(log)}", file=sys.stderr)
    finally:
        for client in clients:
            client.tell("finish")
        for client in clients:
            with contextlib.suppress(subprocess.TimeoutExpired):
                client.process.wait(timeout=60)
        proc.stop([c.process for c in clients])
        targets.stop(sitting, running)
        record["server_logs"] = {log.name: proc.log_problems(log) for log in running.logs}
    return record


def machine() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "packages": versions}


def main() -> None:
    args = parse_args()
    nofile = proc.raise_nofile_limit()
    workdir = args.logs or Path(tempfile.mkdtemp(prefix="xlate-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"logs: {workdir}   open-file limit: {nofile}", flush=True)
    conversations = (args.sockets + 1) // 2 if args.idle else args.conversations
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine(),
        "runs": [],
    }
    try:
        with running_services() as services:
            pids = {
                "postgres": proc.find_descendant(os.getpid(), "postgres"),
                "redis": proc.find_descendant(os.getpid(), "redis-server"),
            }
            sitting = targets.Sitting(
                workdir, conversations, args.idle, services.database_url, services.redis_url, pids
            )
            selected = []
            for target in args.target_list:
                try:
                    started = time.monotonic()
                    targets.prepare(sitting, target)
                    print(f"prepared {target} in {time.monotonic() - started:.1f} s", flush=True)
                    selected.append(target)
                except Exception as error:
                    print(f"{target}: preparing failed: {error!r}", file=sys.stderr)
                    for log in workdir.glob(f"{target}-template.log"):
                        print(proc.log_tail(log), file=sys.stderr)
                    results["runs"].append(
                        {"target": target, "mode": "prepare", "error": repr(error)}
                    )
            for rate in [None] if args.idle else args.rate_list:
                for target in selected:
                    record = run_one(args, sitting, target, rate)
                    results["runs"].append(record)
                    print(loadreport.run_table(record), flush=True)
    finally:
        results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        runs = [r for r in results["runs"] if r["mode"] != "prepare"]
        print(loadreport.summary(runs, args.target_list))
        if args.json is not None:
            args.json.write_text(json.dumps(results, indent=1, default=str))
            print(f"results: {args.json}")


if __name__ == "__main__":
    main()
