"""Where a message's CPU and queries go, stage by stage, in one process on real PostgreSQL.

Starts throwaway PostgreSQL and Redis (tests/support/servers.py), migrates a fresh database,
seeds --conversations two-member conversations (English writer, Spanish reader, translation
on, the offline provider), then, for --messages ham lines of ../shared/data:

- accept: `check_message_submit` as the socket calls it (the Celery publish included: it goes
  to Redis from the publisher thread, whose CPU this process pays);
- pipeline: `messages_process` on the stored messages, --batch at a time, as a worker runs it.

With --sqlite (the embedded mode: no Redis, no Celery) the pipeline runs inline as each message
is stored, so the first stage is the whole path and the second finds nothing left to do.

Reports, per message and stage: SQL statements sent through Django's cursors (a transaction
adds a BEGIN and a COMMIT that psycopg sends itself, not counted), and process CPU
(time.process_time, this process only: PostgreSQL's and Redis's own CPU are not in it), with
DEBUG off as in production.
--profile prints the top functions of each stage by cumulative time (cProfile).

    .venv/bin/python bench/pipeline_cost.py [--messages 500] [--batch 1] [--profile]
"""

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import running_services  # noqa: E402

BIN = Path(sys.executable).parent
CORPUS = ROOT.parent / "shared" / "data" / "sms-spam-collection" / "SMSSpamCollection.tsv"


def ham(limit: int, max_chars: int = 300) -> list[str]:
    lines = []
    for row in CORPUS.read_text(encoding="utf-8").splitlines():
        label, _, text = row.partition("\t")
        if label == "ham" and text.strip() and len(text) <= max_chars:
            lines.append(text)
    return (lines * (limit // len(lines) + 1))[:limit]


def stage(name: str, work, count: int, profile: bool) -> None:
    from django.db import connection

    statements: list[str] = []

    def counted(execute, sql, params, many, context):
        statements.append(sql.split(None, 1)[0].upper())
        return execute(sql, params, many, context)

    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counted):
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        work()
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    kinds: dict[str, int] = {}
    for verb in statements:
        kinds[verb] = kinds.get(verb, 0) + 1
    per = ", ".join(f"{verb} {n / count:.2f}" for verb, n in sorted(kinds.items()))
    print(
        f"{name:9} {count} messages: {len(statements) / count:.2f} statements per message "
        f"({per}); CPU {1000 * cpu / count:.2f} ms per message; wall {1000 * wall / count:.2f} ms"
    )
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "45")))
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--sqlite", action="store_true", help="the embedded mode: SQLite, no Redis, no Celery"
    )
    args = parser.parse_args()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.update(DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3")
            _configure()
            subprocess.run(
                [str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, check=True
            )
            run(args)
        return
    with running_services() as services:
        base = services.database_url.rsplit("/", 1)[0]
        subprocess.run(
            [str(BIN / "python"), "-c",
             f"import psycopg; psycopg.connect('{base}/postgres', autocommit=True)"
             ".execute('create database xlate')"],
            check=True,
        )  # fmt: skip
        os.environ.update(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url)
        _configure()
        subprocess.run([str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
        run(args)


def _configure() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="xlate_site.settings",
        DEBUG="0",
        SECRET_KEY="bench-secret-key-0123456789-0123456789-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        CHAT_RATE_LIMIT="100000/second",
        MODERATION_SCORE_SAMPLE_RATE="0",
    )
    for key in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        os.environ.pop(key, None)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from chat import broadcast
    from chat.context import conversation_context_forget
    from chat.models import Participant, Profile
    from chat.services.conversations import conversation_start
    from chat.services.pipeline import messages_process
    from chat.services.submission import check_message_submit
    from translation.detection import preload_detector

    preload_detector(settings.SUPPORTED_LANGUAGES)
    users = get_user_model().objects
    pairs = []
    for n in range(args.conversations):
        writer = users.create_user(f"w{n}")
        reader = users.create_user(f"r{n}")
        Profile.objects.create(user=writer, language="en")
        Profile.objects.create(user=reader, language="es")
        conversation = conversation_start(users=[writer, reader])
        Participant.objects.filter(conversation=conversation).update(translate=True)
        conversation_context_forget(conversation.pk)
        pairs.append((writer, conversation.pk))
    texts = ham(args.messages)
    # Warm every cache a long-running process has warm: contexts, the detector, the lexicon.
    for n, (writer, conversation) in enumerate(pairs):
        message, _ = check_message_submit(
            user=writer, conversation_id=conversation, client_id=f"warm{n}", text=texts[-1 - n]
        )
        messages_process(message_ids=[message.pk])
    stored = []

    def accept() -> None:
        for n, text in enumerate(texts):
            writer, conversation = pairs[n % len(pairs)]
            message, _ = check_message_submit(
                user=writer, conversation_id=conversation, client_id=f"m{n}", text=text
            )
            stored.append(message.pk)

    def pipeline() -> None:
        for start in range(0, len(stored), args.batch):
            messages_process(message_ids=stored[start : start + args.batch])

    if args.sqlite:
        # As in the server: broadcasts go out from a running event loop, not a thread apiece.
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, daemon=True).start()
        broadcast.use_server_loop(loop)
    # In the embedded mode the pipeline runs inline when its message is stored.
    stage("accept+pipeline" if args.sqlite else "accept", accept, len(texts), args.profile)
    time.sleep(1)  # the publisher thread sends the last tasks (Redis is never read here)
    stage("pipeline", pipeline, len(texts), args.profile)


if __name__ == "__main__":
    main()
