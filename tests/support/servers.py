"""Start throwaway PostgreSQL and Redis servers on free loopback ports, and stop them.

Used by scripts/run_tests.py (the whole suite) and the benchmarks. Data lives in a temporary
directory that is removed afterwards; nothing listens beyond 127.0.0.1.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30.0, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def postgres_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise FileNotFoundError("PostgreSQL server binaries (initdb) not found")


@dataclass
class Services:
    database_url: str
    redis_url: str


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root; drop to the `postgres` account when we are root."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def running_services() -> Iterator[Services]:
    workdir = Path(tempfile.mkdtemp(prefix="xlate-services-"))
    processes: list[subprocess.Popen] = []
    prefix = _as_postgres_user()
    try:
        pgdata = workdir / "pg"
        pgdata.mkdir()
        if prefix:
            shutil.chown(workdir, "postgres")
            shutil.chown(pgdata, "postgres")
        bindir = postgres_bindir()
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(pgdata), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        pg_port = free_port()
        pg_argv = [
            *prefix, str(bindir / "postgres"), "-D", str(pgdata), "-p", str(pg_port),
            "-h", "127.0.0.1", "-k", str(workdir), "-c", "fsync=off",
            "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200",
        ]  # fmt: skip
        with open(workdir / "postgres.log", "wb") as pg_log:
            pg = subprocess.Popen(pg_argv, stdout=subprocess.DEVNULL, stderr=pg_log)
        processes.append(pg)
        redis_port = free_port()
        redis = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(redis)
        wait_for_port(redis_port, process=redis)
        wait_for_port(pg_port, process=pg)
        _wait_for_postgres_ready(bindir, pg_port)
        yield Services(
            database_url=f"postgres://postgres@127.0.0.1:{pg_port}/xlate",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
        )
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_for_postgres_ready(bindir: Path, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-q"], check=False
        )
        if ready.returncode == 0:
            return
        time.sleep(0.1)
    raise TimeoutError("PostgreSQL did not become ready")


class RedisServer:
    """A Redis server of a test's own on a fixed loopback port, which the test may stop and
    start again (a restart loses everything in it: no persistence, as a crash would)."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
