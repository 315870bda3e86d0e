"""End-to-end message latency in the scale-out mode: socket → pipeline → reader's socket.

Starts PostgreSQL and Redis (throwaway), two uvicorn processes and two Celery workers, opens
`--pairs` two-member conversations (writer on one server, reader on the other, translation on,
offline provider), and has every writer send `--messages` messages at `--rate` per second per
pair. Reports the time from message.send to the reader's message.new (p50, p90, p99, max) and
the delivered throughput.

    .venv/bin/python bench/message_latency.py [--pairs 20] [--messages 20] [--rate 2]
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port, running_services, wait_for_port  # noqa: E402

BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-0123456789-0123456789-0123456789"


def start(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def setup_database(env: dict, pairs: int) -> None:
    script = f"""
import django; django.setup()
from django.contrib.auth import get_user_model
from chat.models import Participant, Profile
from chat.services import conversation_start
User = get_user_model()
for n in range({pairs}):
    w = User.objects.create_user(f"w{{n}}", password="pw")
    r = User.objects.create_user(f"r{{n}}", password="pw")
    Profile.objects.create(user=w, language="en")
    Profile.objects.create(user=r, language="es")
    c = conversation_start(users=[w, r])
    Participant.objects.filter(conversation=c, user=r).update(translate=True)
    print(c.pk)
"""
    subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                   check=True)  # fmt: skip
    out = subprocess.run([str(BIN / "python"), "-c", script], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return [int(line) for line in out.split()]


async def run(ports, conversations, messages: int, rate: float) -> tuple[list[float], float]:
    import urllib.request

    import websockets

    def token(port, username):
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/socket-token",
            data=json.dumps({"username": username, "password": "pw"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        return json.load(urllib.request.urlopen(req))["token"]

    async def connect(port, username):
        t = await asyncio.to_thread(token, port, username)
        return await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/chat/", subprotocols=["xlate", f"xlate.token.{t}"],
            max_queue=None,
        )  # fmt: skip

    latencies: list[float] = []
    sent_at: dict[str, float] = {}

    async def pair(n: int, conversation: int) -> None:
        writer = await connect(ports[0], f"w{n}")
        reader = await connect(ports[1], f"r{n}")
        await reader.send(json.dumps({"type": "subscribe", "conversation": conversation}))
        while json.loads(await reader.recv())["type"] != "subscribed":
            pass

        async def read() -> None:
            got = 0
            while got < messages:
                frame = json.loads(await asyncio.wait_for(reader.recv(), 60))
                if frame["type"] == "message.new":
                    latencies.append(time.perf_counter() - sent_at[frame["message"]["client_id"]])
                    got += 1

        async def drain() -> None:
            async for _ in writer:
                pass

        reading = asyncio.create_task(read())
        draining = asyncio.create_task(drain())
        for i in range(messages):
            client_id = f"{n}-{i}"
            sent_at[client_id] = time.perf_counter()
            await writer.send(json.dumps({
                "type": "message.send", "conversation": conversation, "client_id": client_id,
                "text": f"Good morning, how are you? message {i}",
            }))  # fmt: skip
            await asyncio.sleep(1 / rate)
        await reading
        draining.cancel()
        await writer.close()
        await reader.close()

    started = time.perf_counter()
    await asyncio.gather(*(pair(n, c) for n, c in enumerate(conversations)))
    return latencies, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--rate", type=float, default=2.0, help="messages/s per writer")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="xlate-bench-"))
    with running_services() as services:
        env = dict(
            os.environ, DATABASE_URL=services.database_url, REDIS_URL=services.redis_url,
            SECRET_KEY=SECRET, DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_COOKIES="0",
            CHAT_RATE_LIMIT="1000/second", LOGIN_RATE_LIMIT="1000/second",
            DJANGO_SETTINGS_MODULE="xlate_site.settings", MODERATION_SCORE_SAMPLE_RATE="0",
        )  # fmt: skip
        env.pop("ANTHROPIC_API_KEY", None)
        env.pop("OPENAI_API_KEY", None)
        env.pop("OPENAI_BASE_URL", None)
        subprocess.run(
            [str(BIN / "python"), "-c",
             "import psycopg; psycopg.connect('" + services.database_url.rsplit("/", 1)[0]
             + "/postgres', autocommit=True).execute('create database xlate')"],
            check=True,
        )  # fmt: skip
        conversations = setup_database(env, args.pairs)
        processes = []
        ports = []
        for i in range(2):
            port = free_port()
            processes.append(start(
                [str(BIN / "uvicorn"), "xlate_site.asgi:application", "--port", str(port),
                 "--lifespan", "off", "--no-access-log"], env, logs / f"asgi-{i}.log"))  # fmt: skip
            ports.append(port)
        for i in range(args.workers):
            processes.append(start(
                [str(BIN / "celery"), "-A", "xlate_site", "worker", "--concurrency", "1",
                 "--hostname", f"w{i}@%h", "--without-gossip", "--without-mingle",
                 "--loglevel", "WARNING"], env, logs / f"worker-{i}.log"))  # fmt: skip
        try:
            for port in ports:
                wait_for_port(port)
            time.sleep(4)  # workers load the language models
            latencies, elapsed = asyncio.run(run(ports, conversations, args.messages, args.rate))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    q = statistics.quantiles(ms, n=100)
    print(f"{len(ms)} messages, {args.pairs} pairs × {args.messages} at {args.rate}/s each, "
          f"2 ASGI + {args.workers} workers")  # fmt: skip
    print(f"latency ms: p50 {q[49]:.1f}  p90 {q[89]:.1f}  p99 {q[98]:.1f}  max {ms[-1]:.1f}")
    print(f"throughput: {len(ms) / elapsed:.1f} messages/s over {elapsed:.1f} s")


if __name__ == "__main__":
    main()
