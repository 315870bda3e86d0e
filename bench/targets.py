"""The servers the load benchmark measures, each started fresh for every run.

  floor-pubsub    bench/floor on RedisPubSubChannelLayer, one uvicorn process
  floor-memory    bench/floor on InMemoryChannelLayer, one uvicorn process
  xlate-scaleout  xlate on PostgreSQL + Redis: `--asgi` uvicorn processes, `--workers` Celery
                  workers (`--pool`, threads:4 by default); a database cloned from a migrated,
                  seeded template per run, and Redis flushed before each run (no stale tasks
                  or cache)
  xlate-embedded  xlate with no REDIS_URL: SQLite (a copy of a migrated, seeded template file
                  per run), in-memory layer, pipeline in-process; one uvicorn process

Templates are migrated with `manage.py migrate` and seeded by bench/seed.py once per sitting;
socket tokens are minted by bench/seed.py for every run. Not run directly:

    .venv/bin/python bench/load.py --quick
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis

from bench import proc
from tests.support.servers import free_port, wait_for_port

ROOT = proc.ROOT
BIN = Path(sys.executable).parent
SECRET = "bench-load-secret-key-0123456789-0123456789-0123456789"
TARGETS = ("floor-pubsub", "xlate-scaleout", "floor-memory", "xlate-embedded")
COMPONENTS = ("asgi", "celery", "postgres", "redis")
USES = {
    "floor-pubsub": ("asgi", "redis"),
    "floor-memory": ("asgi",),
    "xlate-scaleout": COMPONENTS,
    "xlate-embedded": ("asgi",),
}
TEMPLATE_DB = "xlate_template"


@dataclass
class Sitting:
    """What lasts the whole sitting: PostgreSQL, Redis and the seeded templates."""

    workdir: Path
    conversations: int
    bulk: bool
    database_url: str
    redis_url: str
    service_pids: dict[str, int]
    templates: dict[str, str] = field(default_factory=dict)
    runs: int = 0

    def admin_url(self) -> str:
        return self.database_url.rsplit("/", 1)[0] + "/postgres"


@dataclass
class Running:
    name: str
    urls: list[str]
    conversations: list[dict]
    asgi: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    database: str | None = None

    def roots(self, sitting: Sitting) -> dict[str, list[int]]:
        """Root pids of each component this target uses."""
        roots = {
            "asgi": [p.pid for p in self.asgi],
            "celery": [p.pid for p in self.workers],
            "postgres": [sitting.service_pids["postgres"]],
            "redis": [sitting.service_pids["redis"]],
        }
        return {name: roots[name] for name in USES[self.name]}

    def dead(self) -> list[str]:
        return [
            f"{log.name} exited {p.returncode}"
            for p, log in zip(self.asgi + self.workers, self.logs, strict=False)
            if p.poll() is not None
        ]


def xlate_env(sitting: Sitting, database_url: str, *, scaleout: bool) -> dict[str, str]:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="xlate_site.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        CHAT_RATE_LIMIT="100000/second",
        LOGIN_RATE_LIMIT="100000/second",
        MODERATION_SCORE_SAMPLE_RATE="0",
    )
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    env.pop("TRANSLATION_PROVIDERS", None)
    if scaleout:
        env["REDIS_URL"] = sitting.redis_url
    else:
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
    return env


def _python(args: list[str], env: dict[str, str], log: Path) -> None:
    with open(log, "ab") as out:
        subprocess.run(
            [str(BIN / "python"), *args], cwd=ROOT, env=env, check=True, stdout=out, stderr=out
        )


def _admin(sitting: Sitting, sql: str) -> None:
    with psycopg.connect(sitting.admin_url(), autocommit=True) as connection:
        connection.execute(sql)


def _seed(env: dict[str, str], sitting: Sitting, log: Path) -> None:
    _python(["manage.py", "migrate", "-v0"], env, log)
    bulk = ["--bulk"] if sitting.bulk else []
    _python(
        ["bench/seed.py", "users", "--conversations", str(sitting.conversations), *bulk], env, log
    )


def prepare(sitting: Sitting, name: str) -> None:
    """Migrate and seed the template of an xlate target, once per sitting."""
    if name in sitting.templates or not name.startswith("xlate"):
        return
    log = sitting.workdir / f"{name}-template.log"
    if name == "xlate-scaleout":
        _admin(sitting, f"DROP DATABASE IF EXISTS {TEMPLATE_DB}")
        _admin(sitting, f"CREATE DATABASE {TEMPLATE_DB}")
        url = sitting.database_url.rsplit("/", 1)[0] + f"/{TEMPLATE_DB}"
        _seed(xlate_env(sitting, url, scaleout=True), sitting, log)
        sitting.templates[name] = TEMPLATE_DB
    else:
        path = sitting.workdir / "template.sqlite3"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)  # a --logs folder used before: start afresh
        _seed(xlate_env(sitting, f"sqlite:///{path}", scaleout=False), sitting, log)
        sitting.templates[name] = str(path)


def _floor_layout(conversations: int) -> list[dict]:
    return [
        {"conversation": k + 1, "members": [{"user": 0, "token": "floor"}] * 2}
        for k in range(conversations)
    ]


def _uvicorn(app: str, port: int) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--no-access-log",
    ]


def _worker(index: int, run: int, pool: str) -> list[str]:
    kind, _, concurrency = pool.partition(":")
    return [
        str(BIN / "celery"),
        "-A",
        "xlate_site",
        "worker",
        "--pool",
        kind,
        "--concurrency",
        concurrency or "1",
        "--hostname",
        f"bench{run}-{index}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]


def _xlate_run_env(sitting: Sitting, running: Running, run_dir: Path) -> dict[str, str]:
    """A fresh database for this run, from the target's template, and the env that uses it."""
    if running.database is not None:
        _admin(sitting, f"CREATE DATABASE {running.database} TEMPLATE {TEMPLATE_DB}")
        url = sitting.database_url.rsplit("/", 1)[0] + f"/{running.database}"
        return xlate_env(sitting, url, scaleout=True)
    shutil.copy(sitting.templates[running.name], run_dir / "db.sqlite3")
    return xlate_env(sitting, f"sqlite:///{run_dir / 'db.sqlite3'}", scaleout=False)


def _mint_tokens(env: dict[str, str], run_dir: Path) -> list[dict]:
    tokens = run_dir / "tokens.json"
    _python(["bench/seed.py", "tokens", "--out", str(tokens)], env, run_dir / "seed.log")
    return json.loads(tokens.read_text())


def start(
    sitting: Sitting, name: str, run_dir: Path, *, asgi: int, workers: int, pool: str = "threads:4"
) -> Running:
    """Start a fresh instance of target `name`; on failure its processes are already stopped."""
    sitting.runs += 1
    run = sitting.runs
    if "redis" in USES[name]:
        redis.Redis.from_url(sitting.redis_url).flushall()
    database = f"xlate_run_{run}" if name == "xlate-scaleout" else None
    running = Running(name, [], [], database=database)
    if name != "xlate-scaleout":
        asgi, workers = 1, 0
    try:
        if name.startswith("floor"):
            layer = "pubsub" if name == "floor-pubsub" else "memory"
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.floor.settings")
            env |= {"FLOOR_LAYER": layer, "REDIS_URL": sitting.redis_url}
            running.conversations = _floor_layout(sitting.conversations)
            app = "bench.floor.asgi:application"
        else:
            env = _xlate_run_env(sitting, running, run_dir)
            running.conversations = _mint_tokens(env, run_dir)
            app = "xlate_site.asgi:application"
        ports = [free_port() for _ in range(asgi)]
        for i, port in enumerate(ports):
            log = run_dir / f"asgi-{i}.log"
            running.asgi.append(proc.start(_uvicorn(app, port), env=env, log=log))
            running.logs.append(log)
            running.urls.append(f"ws://127.0.0.1:{port}/ws/chat/")
        for i in range(workers):
            log = run_dir / f"worker-{i}.log"
            running.workers.append(proc.start(_worker(i, run, pool), env=env, log=log))
            running.logs.append(log)
        for port, process in zip(ports, running.asgi, strict=True):
            wait_for_port(port, timeout=60, process=process)
    except BaseException:
        stop(sitting, running)
        raise
    return running


def message_statuses(sitting: Sitting, running: Running, run_dir: Path) -> dict[str, int]:
    """Messages in the run's database by status, warm-up included (pending: still in the
    pipeline when the window ended)."""
    query = "SELECT status, COUNT(*) FROM chat_message GROUP BY status"
    if running.database is not None:
        url = sitting.database_url.rsplit("/", 1)[0] + f"/{running.database}"
        with psycopg.connect(url) as connection:
            return dict(connection.execute(query).fetchall())
    with contextlib.closing(sqlite3.connect(run_dir / "db.sqlite3", timeout=20)) as connection:
        return dict(connection.execute(query).fetchall())


def stop(sitting: Sitting, running: Running) -> None:
    """Stop every process of the run and drop its database."""
    proc.stop(running.asgi + running.workers)
    if running.database is not None:
        try:
            _admin(sitting, f"DROP DATABASE IF EXISTS {running.database} WITH (FORCE)")
        except psycopg.Error as error:
            print(f"could not drop {running.database}: {error}", file=sys.stderr)
