"""What Celery itself costs per task, whatever the task does: the floor under any pipeline that
hands each message to a worker.

Starts a throwaway Redis (tests/support/servers.py), a worker of a minimal Celery app (no
Django, a task that does nothing) in each pool to compare, publishes --tasks tasks from this
process, waits until the queue is empty, and reports, per task: the worker's CPU (its process
and children, from /proc), Redis's CPU, and this process's CPU for publishing.

    .venv/bin/python bench/celery_overhead.py [--tasks 3000] [--pools prefork:1,solo,threads:4]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.proc import cpu_seconds, loadavg  # noqa: E402
from tests.support.servers import RedisServer  # noqa: E402

BIN = Path(sys.executable).parent
APP = """
import os
from celery import Celery

app = Celery("noop", broker=os.environ["BROKER"])
app.conf.task_acks_late = True
app.conf.worker_prefetch_multiplier = 1


@app.task(name="noop")
def noop(n):
    return None
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--pools", default="prefork:1,solo,threads:4")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xlate-celery-"))
    (workdir / "noopapp.py").write_text(APP)
    sys.path.insert(0, str(workdir))
    with RedisServer(workdir) as redis:
        os.environ["BROKER"] = redis.url
        import noopapp
        import redis as redis_client

        queue = redis_client.Redis.from_url(redis.url)
        print(f"load average at start: {loadavg()}")
        for pool in args.pools.split(","):
            kind, _, concurrency = pool.partition(":")
            worker = subprocess.Popen(
                [str(BIN / "celery"), "-A", "noopapp", "worker", "--pool", kind,
                 "--concurrency", concurrency or "1", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--loglevel", "WARNING"],
                cwd=workdir, env=dict(os.environ, PYTHONPATH=str(workdir)),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            time.sleep(4)  # the worker connects and waits
            worker_cpu, redis_cpu = cpu_seconds([worker.pid]), cpu_seconds([redis.process.pid])
            started = time.process_time()
            for n in range(args.tasks):
                noopapp.noop.apply_async((n,))
            published = time.process_time() - started
            while queue.llen("celery"):
                time.sleep(0.2)
            time.sleep(1.5)  # the last tasks run and are acknowledged
            worker_cpu = cpu_seconds([worker.pid]) - worker_cpu
            redis_cpu = cpu_seconds([redis.process.pid]) - redis_cpu
            per = 1000 / args.tasks
            print(
                f"{pool:10} worker {worker_cpu * per:.3f} ms/task, Redis {redis_cpu * per:.3f} "
                f"ms/task, publishing {published * per:.3f} ms/task"
            )
            worker.terminate()
            worker.wait()


if __name__ == "__main__":
    main()
