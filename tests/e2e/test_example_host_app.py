"""The example host app of docs/integration.md, run as documented against `./scripts/run`."""

import os
import re
import subprocess
import sys

from playwright.sync_api import expect

from tests.support.servers import ROOT


def test_the_example_host_app_runs_against_the_run_command_and_opens_the_chat(
    demo_server, tmp_path, browser
):
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

    # The printed link opens the web client signed in as Lucía, with Tom's greeting in Spanish.
    link = re.search(r"Open the chat as Lucía: (\S+)", run.stdout).group(1)
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(link)
    page.wait_for_url(demo_server + "/")
    assert "#token" not in page.url
    expect(page.locator(".conversation", has_text="Tom")).to_be_visible(timeout=20_000)
    page.locator(".conversation", has_text="Tom").click()
    expect(page.locator("#messages .message.other").first).to_contain_text(
        re.compile("buenos", re.I), timeout=20_000
    )

    # A used-up or forged token opens nothing and says so.
    other = browser.new_context().new_page()
    other.goto(demo_server + "/session/open#token=forged")
    expect(other.locator("#session-status")).to_contain_text("expired")
    other.goto(demo_server + "/")
    assert "/login/" in other.url
