import json
import os
import subprocess
import sys

import pytest

from chat.tokens import socket_token_user

pytestmark = pytest.mark.django_db


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def put_json(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


def test_a_socket_token_is_issued_for_good_credentials_only(client, make_user):
    user = make_user(username="tina")

    good = post_json(client, "/api/socket-token", {"username": "tina", "password": "pw-tina"})
    bad = post_json(client, "/api/socket-token", {"username": "tina", "password": "nope"})
    malformed = client.post("/api/socket-token", data="{", content_type="application/json")

    assert good.status_code == 200 and socket_token_user(good.json()["token"]) == user
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_credentials"
    assert malformed.status_code == 400


def test_a_token_dies_with_a_password_change_and_with_age(client, make_user, settings):
    user = make_user(username="una")
    token = post_json(client, "/api/socket-token", {"username": "una", "password": "pw-una"})
    token = token.json()["token"]

    user.set_password("another-password")
    user.save()
    assert socket_token_user(token) is None
    settings.SOCKET_TOKEN_MAX_AGE = -1
    fresh = post_json(
        client, "/api/socket-token", {"username": "una", "password": "another-password"}
    ).json()["token"]
    assert socket_token_user(fresh) is None


def test_login_attempts_are_rate_limited(client, make_user, settings):
    settings.LOGIN_RATE_LIMIT = "3/minute"
    make_user(username="vic")
    codes = [
        post_json(client, "/api/socket-token", {"username": "vic", "password": "x"}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]


def test_the_chat_page_needs_a_login_and_escapes_what_users_wrote(
    client, make_user, make_conversation
):
    alice = make_user(username="alice")
    evil = make_user(username="<script>x</script>")
    make_conversation(alice, evil)

    assert client.get("/").status_code == 302
    client.force_login(alice)
    page = client.get("/")

    assert page.status_code == 200
    assert b"<script>x</script>" not in page.content


def test_without_debug_the_app_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=dict(env, DJANGO_SETTINGS_MODULE="xlate_site.settings"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_bio_is_translated_for_the_viewer_and_again_after_it_changes(
    client, make_user, llm, settings
):
    settings.CHAT_DIRECTORY = True  # strangers may read each other's bios
    owner = make_user(username="olga", language="en")
    viewer = make_user(username="pablo", language="es")
    client.force_login(owner)
    put_json(client, "/api/v1/me/bio", {"bio": "Good morning, I love this song"})
    client.force_login(viewer)
    url = f"/api/v1/users/{owner.pk}/bio"

    first = client.get(url).json()
    again = client.get(url).json()
    client.force_login(owner)
    put_json(client, "/api/v1/me/bio", {"bio": "Good night"})
    client.force_login(viewer)
    changed = client.get(url).json()

    assert first["translation"]["language"] == "es" and first["bio_version"] == 2
    assert first["translation"]["text"].lower().startswith("buenos días")
    assert again["translation"]["text"] == first["translation"]["text"]
    assert changed["bio_version"] == 3
    assert changed["translation"]["text"].lower().startswith("buenas noches")
    assert llm.call_count() == 2  # the repeat view was a cache hit
    assert client.get("/api/v1/users/999999/bio").status_code == 404
    assert client.get(url + "?lang=xx").status_code in (400, 422)
    client.logout()
    assert client.get(url).status_code == 401
