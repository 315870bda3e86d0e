"""The example host app of docs/integration.md, run as documented against `./scripts/run`."""

import os
import subprocess
import sys

from tests.support.servers import ROOT


def test_the_example_host_app_runs_against_the_run_command(demo_server, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "SECRET_KEY"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    key = subprocess.run(
        [sys.executable, "manage.py", "create_api_key", "--name", "example"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    env.update(XLATE_API_KEY=key, XLATE_URL=demo_server)

    for _ in range(2):  # it provisions idempotently: a second run finds everything in place
        run = subprocess.run(
            [sys.executable, "examples/host_app.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
    assert "Lucía reads" in run.stdout and "buenos" in run.stdout.lower(), run.stdout
