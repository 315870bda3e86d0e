"""The demo seed (`seed_demo`, run by every `./scripts/run`) and the `scripts/manage` wrapper."""

import io
import os
import stat
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from chat.models import Conversation, Participant, Profile
from tests.support.servers import ROOT

pytestmark = pytest.mark.django_db

DEMO = {
    "alice": ("en", "US"),
    "bruno": ("es", "ES"),
    "chloe": ("fr", "FR"),
    "dieter": ("de", "DE"),
    "giulia": ("it", "IT"),
    "joao": ("pt", "BR"),
    "layla": ("en", "EG"),
}


@pytest.fixture
def seed(tmp_path, monkeypatch):
    """Run seed_demo as scripts/run does, with the password file in a temporary directory."""
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.delenv("XLATE_ADDR", raising=False)
    password_file = tmp_path / ".demo-password"

    def run(**options) -> str:
        out = io.StringIO()
        call_command("seed_demo", password_file=str(password_file), stdout=out, **options)
        return out.getvalue()

    run.password_file = password_file
    return run


def test_the_first_run_creates_the_demo_users_with_a_stored_private_password(seed):
    output = seed()

    password = seed.password_file.read_text().strip()
    assert len(password) >= 12
    assert stat.S_IMODE(os.stat(seed.password_file).st_mode) == 0o600
    assert password in output
    users = get_user_model().objects.filter(username__in=DEMO)
    assert sorted(u.username for u in users) == sorted(DEMO)
    alice = users.get(username="alice")
    assert alice.check_password(password)


def test_a_second_run_keeps_the_password_and_the_sessions(seed, client):
    first = seed()
    password = seed.password_file.read_text().strip()
    assert client.login(username="bruno", password=password)
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    second = seed()

    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    assert seed.password_file.read_text().strip() == password
    assert password in first and password in second
    assert client.get("/").status_code == 200  # still signed in, not sent to the login page


def test_an_explicit_demo_password_is_set_once_and_not_stored(seed, client, monkeypatch):
    seed()
    stored = seed.password_file.read_text()
    monkeypatch.setenv("DEMO_PASSWORD", "explicit-demo-pass-1")

    output = seed()
    assert client.login(username="alice", password="explicit-demo-pass-1")
    hashes = dict(get_user_model().objects.values_list("username", "password"))
    seed()

    assert "explicit-demo-pass-1" in output
    assert seed.password_file.read_text() == stored
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    assert client.get("/").status_code == 200


def test_the_address_printed_is_the_one_served(seed, monkeypatch):
    assert "http://127.0.0.1:8000/" in seed()
    assert "http://127.0.0.1:8123/" in seed(addr="127.0.0.1:8123")
    assert "http://127.0.0.1:9000/" in seed(addr="0.0.0.0:9000")
    assert "http://127.0.0.1:8001/" in seed(addr="8001")
    monkeypatch.setenv("XLATE_ADDR", "localhost:8765")
    output = seed()
    assert "http://localhost:8765/" in output and ":8000" not in output


def test_the_demo_users_each_have_a_language_a_country_and_a_bio_in_it(seed):
    seed()

    for username, (language, country) in DEMO.items():
        profile = Profile.objects.get(user__username=username)
        assert (profile.language, profile.country) == (language, country)
        assert profile.bio.strip()
    assert any("\u0600" <= ch <= "\u06ff" for ch in Profile.objects.get(user__username="layla").bio)


def test_only_alice_and_bruno_share_a_conversation_where_bruno_translates(seed):
    seed()
    seed()

    conversation = Conversation.objects.get()
    members = {p.user.username: p for p in Participant.objects.filter(conversation=conversation)}
    assert conversation.kind == Conversation.Kind.DIRECT
    assert set(members) == {"alice", "bruno"}
    assert members["bruno"].translate and not members["alice"].translate


def test_a_demo_user_who_changed_their_settings_keeps_them(seed):
    seed()
    Profile.objects.filter(user__username="chloe").update(language="en", bio="Changed.")

    seed()

    assert Profile.objects.filter(user__username="chloe", language="en", bio="Changed.").exists()


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [str(ROOT / "scripts" / "manage"), *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_scripts_manage_runs_commands_on_the_embedded_defaults():
    """`./scripts/manage createsuperuser` works without exporting DEBUG (README)."""
    result = run_manage("check")

    assert result.returncode == 0, result.stderr


def test_production_still_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
