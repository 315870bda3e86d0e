"""Processes of the load benchmark: start and stop them, read their CPU time and memory.

CPU time comes from /proc/<pid>/stat: utime + stime + cutime + cstime of every live process in
a tree. A child reaped during the window moves its whole time into its parent's cutime/cstime,
so the difference of two snapshots is exactly the CPU spent in between, also for PostgreSQL
backends that come and go. Memory is VmRSS (/proc/<pid>/status) and Pss (smaps_rollup).

Not run directly: bench/load.py imports it.

    .venv/bin/python bench/load.py --quick
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def raise_nofile_limit() -> int:
    """Raise this process's open-file limit to the hard limit (children inherit it)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                children[int(fields[1])].append(int(entry.name))
    return children


def tree(pid: int, children: dict[int, list[int]] | None = None) -> list[int]:
    """`pid` and all its live descendants."""
    children = _children() if children is None else children
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


def cpu_seconds(roots: list[int]) -> float:
    """CPU seconds used so far by the trees under `roots`, reaped children included."""
    children = _children()
    ticks = 0
    for root in roots:
        for pid in tree(root, children):
            fields = _stat(pid)
            if fields is not None:
                ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLK_TCK


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def find_descendant(root: int, name: str) -> int | None:
    """The topmost descendant of `root` whose command name is `name` (e.g. the postmaster)."""
    children = _children()
    for pid in tree(root, children):
        if comm(pid) == name:
            fields = _stat(pid)
            if fields is not None and comm(int(fields[1])) != name:
                return pid
    return None


def rss_kib(pid: int) -> int | None:
    """Resident set size of one process, KiB (VmRSS)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def pss_kib(pid: int) -> int | None:
    """Proportional set size of one process, KiB (shared pages split among their users)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return None


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def start(
    argv: list[str],
    *,
    env: dict[str, str],
    log: Path,
    cwd: Path = ROOT,
    pipes: bool = False,
) -> subprocess.Popen:
    """Start `argv` with its output (stderr only, with `pipes`) appended to `log`."""
    with open(log, "ab") as out:
        if pipes:
            return subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=out,
                text=True,
                bufsize=1,
            )
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


def _start_time(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[19] if fields is not None else None


def stop(processes: list[subprocess.Popen], *, timeout: float = 20.0) -> None:
    """Terminate, then kill, every process given and any descendant it leaves behind.

    Descendants are remembered (pid and start time) before the roots are asked to stop, and
    only those exact processes are killed afterwards, so a recycled pid is never touched.
    """
    children = _children()
    leftovers = {
        pid: _start_time(pid)
        for process in processes
        if process.poll() is None
        for pid in tree(process.pid, children)[1:]
    }
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout=10)
    for pid, started in leftovers.items():
        if started is not None and _start_time(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"


def log_problems(path: Path, keep: int = 8) -> dict:
    """Counts of ERROR / WARNING / Traceback lines in a server log, and the first few of them."""
    counts = {"error": 0, "warning": 0, "traceback": 0}
    first: list[str] = []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return {**counts, "first": first}
    for line in text.splitlines():
        kind = (
            "traceback"
            if line.startswith("Traceback")
            else "error"
            if " ERROR " in line or line.startswith("ERROR") or "CRITICAL" in line
            else "warning"
            if " WARNING " in line or line.startswith("WARNING")
            else None
        )
        if kind is not None:
            counts[kind] += 1
            if len(first) < keep and line not in first:
                first.append(line[:300])
    return {**counts, "first": first}
