"""Tables of the load benchmark: one per run as it ends, and per target at the end.

Markdown tables, so a run can be pasted into docs/benchmarks.md. Not run directly:

    .venv/bin/python bench/load.py --quick
    .venv/bin/python bench/load.py --idle --sockets 2000 --hold 20
"""

from __future__ import annotations

from typing import Any

LOAD_COLUMNS = (
    "rate",
    "sent",
    "expected",
    "delivered",
    "lost",
    "dup",
    "out-of-order",
    "gaps",
    "blocked/held/errors",
    "behind",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "ASGI",
    "Celery",
    "PG",
    "Redis",
    "server total",
    "client",
    "loadavg start→end",
)
IDLE_COLUMNS = (
    "sockets",
    "connected",
    "failed",
    "connect s",
    "RSS before MiB",
    "RSS after MiB",
    "KiB/socket RSS",
    "Pss before MiB",
    "Pss after MiB",
    "KiB/socket Pss",
    "pings",
    "pongs ok",
    "pong p99 ms",
    "closed in hold",
    "loadavg start→end",
)


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _table(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" for _ in columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _load(record: dict) -> str:
    start, end = record.get("loadavg_start"), record.get("loadavg_end")
    return f"{start[0]:.2f}→{end[0]:.2f}" if start and end else "–"


def load_row(record: dict) -> list[str]:
    if "delivered" not in record:
        return [_num(record.get("rate"))] + ["failed"] + ["–"] * (len(LOAD_COLUMNS) - 2)
    latency = record["latency_ms"]
    cpu = record["cpu_ms_per_delivered"]
    return [
        _num(record["rate"]),
        _num(record["sent"]),
        _num(record["expected"]),
        _num(record["delivered"]),
        _num(record["lost"]),
        _num(record["duplicates"]),
        _num(record["out_of_order"]),
        _num(record["gaps"]),
        f"{record['blocked']}/{record['held']}/{record['refused']}",
        _num(record["behind_schedule"]),
        *(_num(latency[key]) for key in ("p50", "p95", "p99", "max")),
        *(_num(cpu.get(key), 2) for key in ("asgi", "celery", "postgres", "redis", "total")),
        _num(record["client_cpu_ms_per_delivered"], 2),
        _load(record),
    ]


def load_notes(record: dict) -> list[str]:
    """What a reader of the table must know about this run: failures and anomalies."""
    notes = []
    if record.get("error"):
        notes.append(f"error: {record['error']}")
    for key in ("unanswered", "own_copy_lost", "delivered_unexpected", "stray", "backwards"):
        if record.get(key):
            notes.append(f"{key}: {record[key]}")
    if record.get("gap_messages"):
        notes.append(f"seq numbers skipped in gaps: {record['gap_messages']}")
    if record.get("lost"):
        notes.append(
            "lost messages were still worked on in the window: CPU per delivered message "
            "overstates the cost of one message"
        )
    if record.get("message_statuses"):
        notes.append(
            f"messages in the database at the end, by status: {record['message_statuses']}"
        )
    if record.get("behind_schedule"):
        notes.append(
            f"INVALID: {record['behind_schedule']} sends behind schedule "
            f"(max lag {record['max_lag_ms']} ms)"
        )
    for key in ("error_codes", "other_frames", "close_codes"):
        if record.get(key):
            notes.append(f"{key}: {record[key]}")
    if record.get("warmup", {}).get("missing_copies"):
        notes.append(f"warm-up incomplete: {record['warmup']}")
    notes += [f"process died: {dead}" for dead in record.get("dead", [])]
    for name, problems in record.get("server_logs", {}).items():
        if problems["error"] or problems["traceback"] or problems["warning"]:
            notes.append(
                f"{name}: {problems['error']} ERROR, {problems['traceback']} Traceback, "
                f"{problems['warning']} WARNING lines; first: {problems['first'][:3]}"
            )
    return notes


def idle_row(record: dict) -> list[str]:
    if "connected" not in record:
        return [_num(record.get("sockets")), "failed"] + ["–"] * (len(IDLE_COLUMNS) - 2)

    def mib(kib: int | None) -> str:
        return _num(kib / 1024 if kib is not None else None)

    return [
        _num(record["sockets"]),
        _num(record["connected"]),
        _num(sum(record["failures"].values())),
        _num(record["connect_seconds"]),
        mib(record["rss_before_kib"]),
        mib(record["rss_after_kib"]),
        _num(record["rss_kib_per_socket"]),
        mib(record["pss_before_kib"]),
        mib(record["pss_after_kib"]),
        _num(record["pss_kib_per_socket"]),
        _num(record["pings"]),
        _num(record["pongs_ok"]),
        _num(record["pong_rtt_ms"]["p99"]),
        _num(record["closed_during_run"]),
        _load(record),
    ]


def idle_notes(record: dict) -> list[str]:
    notes = load_notes(record)
    if record.get("failures"):
        notes.append(f"connect failures: {record['failures']}")
    if record.get("pongs_wrong"):
        notes.append(f"pongs with a wrong id: {record['pongs_wrong']}")
    if record.get("client_rss_kib"):
        notes.append(
            f"client process RSS, all sockets open: {record['client_rss_kib'] / 1024:.1f} MiB"
        )
    if record.get("rss_end_kib"):
        notes.append(f"ASGI RSS at the end of the hold: {record['rss_end_kib'] / 1024:.1f} MiB")
    return notes


def run_table(record: dict) -> str:
    """The table printed as one run ends, with its notes."""
    idle = record["mode"] == "idle"
    title = f"### {record['target']}" + ("" if idle else f" at {record['rate']} msg/s")
    row = idle_row(record) if idle else load_row(record)
    table = _table(IDLE_COLUMNS if idle else LOAD_COLUMNS, [row])
    notes = idle_notes(record) if idle else load_notes(record)
    return "\n".join([title, "", table, *(f"- {note}" for note in notes), ""])


def summary(records: list[dict], targets: list[str]) -> str:
    """One table per target, one row per rate (or the idle run)."""
    parts = []
    for target in targets:
        mine = [r for r in records if r["target"] == target]
        if not mine:
            continue
        idle = mine[0]["mode"] == "idle"
        rows = [idle_row(r) if idle else load_row(r) for r in mine]
        parts += [f"## {target}", "", _table(IDLE_COLUMNS if idle else LOAD_COLUMNS, rows), ""]
    if records and records[0]["mode"] != "idle":
        parts.append(
            "CPU columns: ms of CPU per message delivered to its reader (ASGI, Celery, "
            "PostgreSQL, Redis, their total; the client process separately)."
        )
    return "\n".join(parts)
