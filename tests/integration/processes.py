"""Start the real ASGI servers and Celery workers as separate processes for a test."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from tests.support.servers import ROOT, free_port, wait_for_port

BIN = Path(sys.executable).parent


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def service_env(redis_url: str, **extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        SECRET_KEY="integration-test-secret-key-with-enough-length-0123456789",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        PYTHONUNBUFFERED="1",
        DB_CONN_MAX_AGE="60",
    )
    env.update(extra)
    return env


class ProcessGroup:
    """Processes started for one test, stopped (and their logs kept) at the end."""

    def __init__(self, logdir: Path, env: dict[str, str]) -> None:
        self.logdir = logdir
        self.env = env
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen:
        # The child keeps its own copy of the file descriptor; ours can close at once.
        with open(self.logdir / f"{name}.log", "wb") as log:
            process = subprocess.Popen(
                argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes.append((name, process))
        return process

    def asgi(self, name: str) -> int:
        port = free_port()
        process = self._start(
            name,
            [str(BIN / "uvicorn"), "xlate_site.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--lifespan", "off", "--no-access-log"],
        )  # fmt: skip
        wait_for_port(port, process=process)
        return port

    def worker(self, name: str, *, pool: str = "prefork") -> subprocess.Popen:
        """A Celery worker: prefork (Celery's default) with one process, or "threads" (the
        reference deployment's pool) with four threads."""
        concurrency = "4" if pool == "threads" else "1"
        process = self._start(
            name,
            [str(BIN / "celery"), "-A", "xlate_site", "worker", "--pool", pool,
             "--concurrency", concurrency, "--loglevel", "INFO", "--hostname", f"{name}@%h",
             "--without-gossip", "--without-mingle"],
        )  # fmt: skip
        self.wait_for_log(name, "ready.")
        return process

    def beat(self, name: str) -> subprocess.Popen:
        """The scheduler that queues the sweep (chat.requeue_pending)."""
        return self._start(
            name,
            [str(BIN / "celery"), "-A", "xlate_site", "beat", "--loglevel", "INFO",
             "--schedule", str(self.logdir / f"{name}-schedule")],
        )  # fmt: skip

    def kill(self, name: str) -> None:
        """SIGKILL the process and every process under it (a prefork worker's pool too), as
        the OOM killer or a lost machine would: nothing gets to clean up."""
        root = dict(self.processes)[name]
        doomed = [root.pid, *_descendants(root.pid)]
        for pid in reversed(doomed):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        root.wait()

    def wait_for_log(self, name: str, needle: str, timeout: float = 60) -> None:
        path = self.logdir / f"{name}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists() and needle in path.read_text(errors="replace"):
                return
            time.sleep(0.1)
        raise TimeoutError(f"{name} did not log {needle!r}:\n{self.log(name)}")

    def log(self, name: str) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else "(no log)"

    def stop(self) -> None:
        for _, process in self.processes:
            process.terminate()
        for _, process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _descendants(pid: int) -> list[int]:
    """Every process under `pid`, parents before children (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            # The command name (in parentheses) may hold spaces: the parent pid follows it.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


@contextlib.contextmanager
def process_group(logdir: Path, env: dict[str, str]) -> Iterator[ProcessGroup]:
    group = ProcessGroup(logdir, env)
    try:
        yield group
    finally:
        group.stop()


def socket_token(port: int, username: str, password: str) -> str:
    """Log in over HTTP the way a mobile client does, and return its socket token."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/socket-token",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]
