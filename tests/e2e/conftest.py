"""The README's run command, started as a newcomer starts it, for the end-to-end tests."""

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from playwright import sync_api as playwright

from tests.support.servers import ROOT, free_port, wait_for_port

PASSWORD = "demo-browser-pass-1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _demo_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEMO_PASSWORD=PASSWORD)
    env.pop("DEBUG", None)
    return env


@pytest.fixture
def demo_settings() -> dict[str, str]:
    """Settings (environment variables) the demo server starts with; a test module overrides
    this fixture to try a stricter rate limit or moderation policy."""
    return {}


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """An empty SQLite database with every migration applied, made once for the session:
    migrating from nothing takes several seconds that every browser test would repeat."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(DATABASE_URL=f"sqlite:///{path}", DEBUG="1")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
        capture_output=True, check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def fresh_database() -> bool:
    """Whether the demo server starts from no database at all (a test module about the very
    first start overrides this); otherwise from a migrated copy, with no users yet."""
    return False


@pytest.fixture
def demo_server(tmp_path, demo_settings, fresh_database, request):
    """`./scripts/run` exactly as a newcomer starts it, on a free port: on a fresh SQLite file,
    or on a migrated copy (migrate then has nothing to do; seeding runs as on a first start)."""
    if not fresh_database:
        shutil.copyfile(request.getfixturevalue("migrated_database"), tmp_path / "demo.sqlite3")
    port = free_port()
    env = _demo_env(tmp_path)
    env.update(demo_settings, XLATE_ADDR=f"127.0.0.1:{port}")
    log = tmp_path / "run.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "run")], cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for_port(port, timeout=120, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        print(log.read_text(errors="replace")[-3000:])


@pytest.fixture
def demo_manage(demo_server, tmp_path, demo_settings):
    """Run a manage.py command against the demo server's database (e.g. createsuperuser)."""

    def manage(*args: str, **extra_env: str) -> str:
        env = _demo_env(tmp_path)
        env.update(demo_settings, DEBUG="1", **extra_env)
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    return manage


@pytest.fixture
def chromium_path():
    if CHROMIUM is None:
        if os.environ.get("XLATE_REQUIRE_SERVICES"):
            pytest.fail("chromium was required but is not installed")
        pytest.skip("needs chromium: run ./scripts/test")
    return CHROMIUM


@pytest.fixture
def browser(chromium_path):
    """Headless Debian Chromium, driven through Playwright's sync API."""
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
