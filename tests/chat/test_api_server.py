"""The server API the host app's backend calls: keys, users, tokens, matches."""

import json

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.management import call_command
from django.test import Client

from chat.models import ApiKey, Conversation
from chat.services.api_keys import api_key_create, api_key_revoke
from tests.chat.socket_client import (
    Socket,
    close,
    receive_type,
    send_message,
    subscribe,
    token_subprotocols,
)
from xlate_site.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)

ALL = ApiKey.Scope.values


@pytest.fixture
def key():
    return api_key_create(name="host", scopes=ALL)[1]


def call(method: str, path: str, key: str | None = None, body=None, **headers):
    if key is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    client, url = Client(), f"/api/v1{path}"
    if method == "get":
        response = client.get(url, **headers)
    else:
        data = json.dumps(body) if body is not None else ""
        response = getattr(client, method)(
            url, data=data, content_type="application/json", **headers
        )
    return response.status_code, (response.json() if response.content else None)


def provision(key: str, external_id: str, language: str = "en", **fields) -> dict:
    status, body = call("put", f"/users/{external_id}", key, {"language": language, **fields})
    assert status in (200, 201), body
    return body


# --- keys ----------------------------------------------------------------------------------


def test_a_key_is_stored_only_as_a_digest_and_printed_once(capsys):
    call_command("create_api_key", "--name", "backend", "--scope", "users")

    printed = capsys.readouterr().out.strip()
    stored = ApiKey.objects.get()
    assert printed.startswith(f"xk_{stored.prefix}_") and stored.scopes == ["users"]
    assert printed.split("_", 2)[2] not in stored.digest
    assert call("get", "/users/nobody", printed)[0] == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer xk_nope_nope", "Basic xk_a_b", "xk_a_b", "Bearer " + "x" * 5000],
)
def test_without_a_valid_key_every_endpoint_answers_401(header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    for method, path in ENDPOINTS:
        status, body = call(method, path, None, BODIES.get(path), **extra)
        assert status == 401, (method, path, body)
        assert body["error"] == "unauthorized"


def test_a_revoked_key_is_refused(key):
    provision(key, "u1")
    api_key_revoke(key=ApiKey.objects.get())

    assert call("get", "/users/u1", key)[0] == 401


def test_a_key_acts_only_within_its_scopes():
    users_only = api_key_create(name="users", scopes=["users"])[1]
    provision(users_only, "u1")

    status, body = call("post", "/users/u1/tokens", users_only)
    assert status == 403 and body["error"] == "forbidden"
    status, _ = call("post", "/matches", users_only, {"match_id": "m", "users": ["u1", "u2"]})
    assert status == 403


def test_a_user_token_is_not_an_api_key(key):
    provision(key, "u1")
    token = call("post", "/users/u1/tokens", key)[1]["token"]

    assert call("get", "/users/u1", token)[0] == 401


# --- users ---------------------------------------------------------------------------------


def test_provisioning_creates_then_updates_a_user_without_a_password(key):
    status, created = call(
        "put", "/users/host-42", key,
        {"display_name": "Lucía", "language": "es", "country": "ES", "bio": "hola"},
    )  # fmt: skip
    assert status == 201 and created["display_name"] == "Lucía" and created["active"]

    status, updated = call("put", "/users/host-42", key, {"language": "fr", "bio": "salut"})
    assert status == 200 and updated["id"] == created["id"] and updated["language"] == "fr"
    user = get_user_model().objects.get(pk=created["id"])
    assert not user.has_usable_password() and user.profile.bio_version == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"language": "xx"}, 400, "unsupported_language"),
        ({"language": "en", "country": "spain"}, 422, "invalid_request"),
        ({"language": "en", "avatar_url": "javascript:alert(1)"}, 422, "invalid_request"),
        ({"language": "en", "bio": "a\x00b"}, 422, "invalid_request"),
        ({"language": "en", "display_name": "\ud800"}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
    ],
)
def test_a_bad_user_body_is_refused_and_changes_nothing(key, body, status, code):
    got, answer = call("put", "/users/u1", key, body)

    assert (got, answer["error"]) == (status, code)
    assert call("get", "/users/u1", key)[0] == 404


def test_a_local_username_cannot_be_taken_over(key, make_user):
    make_user(username="alice")

    status, body = call("put", "/users/alice", key, {"language": "en"})

    assert status == 409 and body["error"] == "external_id_taken"


async def test_deactivating_a_user_closes_their_socket_and_ends_their_tokens(key):
    await database_sync_to_async(provision)(key, "u1")
    token = (await database_sync_to_async(call)("post", "/users/u1/tokens", key))[1]["token"]
    socket = await _open(token)

    status, body = await database_sync_to_async(call)("post", "/users/u1/deactivate", key)

    assert status == 200 and body["active"] is False
    assert (await socket.receive_output(timeout=5))["code"] == 4401
    assert not (await _try_open(token))
    status, body = await database_sync_to_async(call)("post", "/users/u1/tokens", key)
    assert status == 409 and body["error"] == "user_inactive"


async def test_revoking_tokens_ends_them_and_their_sockets(key):
    await database_sync_to_async(provision)(key, "u1")
    token = (await database_sync_to_async(call)("post", "/users/u1/tokens", key))[1]["token"]
    socket = await _open(token)

    status, _ = await database_sync_to_async(call)("post", "/users/u1/tokens/revoke", key)

    assert status == 204
    assert (await socket.receive_output(timeout=5))["code"] == 4401
    assert not (await _try_open(token))
    fresh = (await database_sync_to_async(call)("post", "/users/u1/tokens", key))[1]["token"]
    await (await _open(fresh)).disconnect()


def test_a_token_carries_no_part_of_the_password_hash(key):
    body = provision(key, "u1")
    token = call("post", "/users/u1/tokens", key)[1]["token"]
    user = get_user_model().objects.get(pk=body["id"])

    payload = signing.TimestampSigner(salt="xlate.socket-token", sep="~").unsign_object(token)
    assert set(payload) == {"u", "e", "m"}
    assert str(payload["m"]) not in user.password and str(payload["m"]) not in user.password[::-1]


# --- matches -------------------------------------------------------------------------------


def test_a_match_opens_one_conversation_whatever_the_retries(key):
    provision(key, "a")
    provision(key, "b", "es")
    match = {"match_id": "m1", "users": ["a", "b"], "translate": True}

    first = call("post", "/matches", key, match)
    again = call("post", "/matches", key, {"match_id": "m1", "users": ["b", "a"]})

    assert first[0] == 201 and again[0] == 200
    assert first[1]["conversation"] == again[1]["conversation"] and first[1]["users"] == ["a", "b"]
    conversation = Conversation.objects.get()
    assert conversation.external_id == "m1"
    assert list(conversation.participants.values_list("translate", flat=True)) == [True, True]


@pytest.mark.parametrize(
    ("match_id", "users", "status", "code"),
    [
        ("m1", ["a", "c"], 409, "match_conflict"),
        ("m2", ["a", "a"], 400, "invalid_field"),
        ("m2", ["a", "ghost"], 404, "not_found"),
    ],
)
def test_a_match_that_cannot_be_made_is_refused(key, match_id, users, status, code):
    for external_id in ("a", "b", "c"):
        provision(key, external_id)
    call("post", "/matches", key, {"match_id": "m1", "users": ["a", "b"]})

    got, body = call("post", "/matches", key, {"match_id": match_id, "users": users})

    assert (got, body["error"]) == (status, code)
    assert Conversation.objects.count() == 1


async def test_an_unmatch_tells_the_members_and_refuses_sends(key):
    api = database_sync_to_async(call)
    for external_id in ("a", "b"):
        await database_sync_to_async(provision)(key, external_id)
    opened = await api("post", "/matches", key, {"match_id": "m", "users": ["a", "b"]})
    conversation = opened[1]["conversation"]
    a = await _open((await api("post", "/users/a/tokens", key))[1]["token"])
    b = await _open((await api("post", "/users/b/tokens", key))[1]["token"])
    await subscribe(a, conversation)
    await subscribe(b, conversation)
    await send_message(a, conversation, "c1", "hello")
    await receive_type(a, "message.new")
    await receive_type(b, "message.new")

    status, body = await api("post", "/matches/m/close", key)

    assert status == 200 and body["closed"] is True
    closed = {"type": "conversation.closed", "conversation": conversation, "reason": "unmatched"}
    assert await receive_type(a, "conversation.closed") == closed
    assert await receive_type(b, "conversation.closed") == closed
    await a.send_json_to(
        {"type": "message.send", "conversation": conversation, "client_id": "c2", "text": "hi?"}
    )
    refused = await receive_type(a, "error")
    assert refused["code"] == "conversation_closed" and refused["client_id"] == "c2"
    replay = await subscribe(b, conversation, since=0)  # the history stays readable
    assert [m["text"] for m in replay] == ["hello"]
    await close(a, b)


# --- helpers -------------------------------------------------------------------------------

ENDPOINTS = [
    ("put", "/users/u1"),
    ("get", "/users/u1"),
    ("post", "/users/u1/deactivate"),
    ("post", "/users/u1/tokens"),
    ("post", "/users/u1/tokens/revoke"),
    ("post", "/matches"),
    ("get", "/matches/m1"),
    ("post", "/matches/m1/close"),
    ("post", "/webhooks"),
    ("get", "/webhooks"),
    ("delete", "/webhooks/1"),
]
BODIES = {
    "/users/u1": {"language": "en"},
    "/matches": {"match_id": "m1", "users": ["a", "b"]},
    "/webhooks": {"url": "https://host.example/hook", "events": ["user.banned"]},
}


async def _try_open(token: str) -> Socket | None:
    socket = Socket(application, "/ws/chat/", subprotocols=token_subprotocols(token))
    connected, _ = await socket.connect(timeout=5)
    if not connected:
        return None
    return socket


async def _open(token: str) -> Socket:
    socket = await _try_open(token)
    assert socket is not None, "the token did not open a socket"
    return socket


@pytest.mark.parametrize(
    "url",
    ["https://4[?x", "https://[::1", "http://host:99999999999", "https://", "mailto:x@y"],
)
def test_a_malformed_url_is_refused_not_a_server_error(key, url):
    """Found by the API fuzzer: a '[' in the host made urlsplit raise (a 500)."""
    status, body = call("put", "/users/u1", key, {"language": "en", "avatar_url": url})
    assert status in (400, 422) and body["error"] in ("invalid_field", "invalid_request")
    status, body = call("post", "/webhooks", key, {"url": url, "events": ["user.banned"]})
    assert status in (400, 422) and body["error"] in ("invalid_field", "invalid_request")
