"""Lint, start PostgreSQL and Redis, run every test against them, stop them.

Called by scripts/test after the virtualenv is ready. Exit status: ruff's or pytest's, except
that pytest's "no tests collected" (5) is a failure: a suite that runs nothing proves nothing.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import running_services  # noqa: E402

NO_TESTS_COLLECTED = 5


def main(argv: list[str]) -> int:
    bindir = Path(sys.executable).parent
    # XLATE_SKIP_LINT=1 runs the tests alone (while another change in the tree is half done);
    # the README's test command and CI always lint.
    lints = (
        []
        if os.environ.get("XLATE_SKIP_LINT")
        else [["ruff", "check", "."], ["ruff", "format", "--check", "."]]
    )
    for lint in lints:
        print("+", " ".join(lint), flush=True)
        if subprocess.run([str(bindir / lint[0]), *lint[1:]], cwd=ROOT).returncode:
            return 1
    with running_services() as services:
        env = dict(
            os.environ,
            DATABASE_URL=services.database_url,
            XLATE_TEST_REDIS_URL=services.redis_url,
            XLATE_REQUIRE_SERVICES="1",
            DEBUG="1",
            # In this process, idle worker threads would keep reused connections open and hold
            # the test database when pytest-django drops it; the server processes that the
            # integration tests start use the production default again.
            DB_CONN_MAX_AGE="0",
        )
        # In-process tests run the embedded mode; integration tests hand the Redis URL to the
        # server and worker processes they start.
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        print("+ pytest", " ".join(argv), flush=True)
        code = subprocess.run([str(bindir / "pytest"), *argv], cwd=ROOT, env=env).returncode
    if code == NO_TESTS_COLLECTED:
        print("pytest collected no tests: failing the run", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
