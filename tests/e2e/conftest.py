"""The README's run command, started as a newcomer starts it, for the end-to-end tests."""

import os
import signal
import subprocess

import pytest

from tests.support.servers import ROOT, free_port, wait_for_port

PASSWORD = "demo-browser-pass-1"


@pytest.fixture
def demo_server(tmp_path):
    """`./scripts/run` exactly as a newcomer starts it, on a free port and a fresh SQLite file."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DEMO_PASSWORD=PASSWORD,
        XLATE_ADDR=f"127.0.0.1:{port}",
    )
    env.pop("DEBUG", None)
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
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        print(log.read_text(errors="replace")[-3000:])
