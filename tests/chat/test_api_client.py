"""The client API a chat client calls for its user (docs/client-api.md): who may call it, what
it shows of conversations and history, and what it changes."""

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from chat.context import conversation_context
from chat.models import (
    ApiKey,
    Block,
    Conversation,
    Message,
    MessageEdit,
    MessageTranslation,
    Participant,
    Profile,
)
from chat.services.api_keys import api_key_create
from chat.tokens import socket_token_issue, user_tokens_revoke
from moderation.models import ModerationCase, Report
from tests.chat.socket_client import close, open_socket, receive_type, subscribe

pytestmark = pytest.mark.django_db


def call(method: str, path: str, user=None, body=None, *, token: str | None = None, **headers):
    """One request to /api/v1`path`, as `user` (a fresh token) or with `token`."""
    if user is not None:
        token = socket_token_issue(user=user)
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client, url = Client(), f"/api/v1{path}"
    if method in ("get", "delete") and body is None:
        response = getattr(client, method)(url, **headers)
    else:
        data = json.dumps(body) if body is not None else ""
        response = getattr(client, method)(
            url, data=data, content_type="application/json", **headers
        )
    return response.status_code, (response.json() if response.content else None)


def deliver(conversation, sender, text: str, *, translations=None, **fields) -> Message:
    """A delivered message with the conversation's next number (as the pipeline leaves it)."""
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=conversation.last_seq + 1)
    conversation.last_seq += 1
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id=f"c{Message.objects.count() + 1}",
        text=text,
        source_language="en",
        status=Message.Status.DELIVERED,
        seq=conversation.last_seq,
        **fields,
    )
    for language, translated in (translations or {}).items():
        MessageTranslation.objects.create(
            message=message, language=language, text=translated, provider="offline"
        )
    return message


def withheld(conversation, sender, text: str, status: str, **fields) -> Message:
    """A message that got no number: pending, held, blocked, or rejected while held."""
    return Message.objects.create(
        conversation=conversation,
        sender=sender,
        client_id=f"w{Message.objects.count() + 1}",
        text=text,
        status=status,
        reason="crypto_wallet" if status != Message.Status.PENDING else "",
        **fields,
    )


@pytest.fixture
def pair(make_user, make_conversation):
    """Ana reads English; Bruno reads Spanish and opted in to translation."""
    ana = make_user(language="en", username="ana")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(ana, bruno, translate_for=[bruno])
    return ana, bruno, conversation


# --- who may call it -----------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/me", None),
    ("patch", "/me", {"language": "es"}),
    ("put", "/me/bio", {"bio": "hi"}),
    ("get", "/users/1/bio", None),
    ("get", "/me/contacts", None),
    ("post", "/me/blocks", {"user": 1}),
    ("get", "/me/blocks", None),
    ("delete", "/me/blocks/1", None),
    ("get", "/me/conversations", None),
    ("post", "/me/conversations", {"user": 1}),
    ("get", "/me/conversations/1", None),
    ("patch", "/me/conversations/1", {"translate": True}),
    ("get", "/me/conversations/1/messages", None),
    ("post", "/me/conversations/1/read", {"seq": 1}),
    ("patch", "/me/messages/1", {"text": "new"}),
    ("delete", "/me/messages/1", None),
    ("post", "/me/reports", {"conversation": 1, "user": 1, "reason": "spam"}),
    ("post", "/me/appeals", {"message": 1}),
]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer nope", "Basic abc", "Bearer " + "x" * 5000, "api key"],
)
def test_without_a_user_every_endpoint_answers_401(header, make_user):
    if header == "api key":
        header = "Bearer " + api_key_create(name="host", scopes=ApiKey.Scope.values)[1]
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    for method, path, body in ENDPOINTS:
        status, answer = call(method, path, body=body, **extra)
        assert (status, answer["error"]) == (401, "unauthorized"), (method, path, answer)


def test_a_revoked_or_deactivated_users_token_is_refused(make_user):
    ana, bea = make_user(), make_user()
    ana_token, bea_token = socket_token_issue(user=ana), socket_token_issue(user=bea)
    assert call("get", "/me", token=ana_token)[0] == 200

    user_tokens_revoke(user_id=ana.pk)
    bea.is_active = False
    bea.save(update_fields=["is_active"])

    assert call("get", "/me", token=ana_token)[0] == 401
    assert call("get", "/me", token=bea_token)[0] == 401


def test_the_session_works_and_changes_need_the_csrf_token(make_user):
    make_user(username="ana")
    client = Client(enforce_csrf_checks=True)
    client.login(username="ana", password="pw-ana")
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    patch = {"data": json.dumps({"display_name": "Ana"}), "content_type": "application/json"}

    assert client.get("/api/v1/me").json()["username"] == "ana"
    refused = client.patch("/api/v1/me", **patch)
    accepted = client.patch("/api/v1/me", **patch, HTTP_X_CSRFTOKEN=secret)

    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    assert accepted.status_code == 200 and accepted.json()["display_name"] == "Ana"
    # A header, when sent, decides: a bad one is not rescued by the session.
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_token_is_traded_for_a_web_client_session_and_nothing_else_is(make_user):
    """The host app's link into the web client: a token opens a session; a session, an API
    key or a bad token does not (no login CSRF: a foreign page cannot send the header)."""
    alice = make_user(username="alice")
    client = Client()
    token = socket_token_issue(user=alice)

    opened = client.post("/api/v1/me/session", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert opened.status_code == 204
    assert client.get("/").status_code == 200  # signed in: the chat page, not the login form
    assert client.post("/api/v1/me/session").status_code == 401  # the session alone: no
    _, key = api_key_create(name="host", scopes=["tokens"])
    for credential in (key, "forged", ""):
        refused = Client().post("/api/v1/me/session", HTTP_AUTHORIZATION=f"Bearer {credential}")
        assert refused.status_code == 401


def test_nobody_reaches_a_conversation_or_message_they_are_not_in(pair, make_user):
    ana, bruno, conversation = pair
    eve = make_user(username="eve")
    message = deliver(conversation, ana, "hello")
    held = withheld(conversation, ana, "hidden", Message.Status.HELD)
    ModerationCase.objects.create(
        source=ModerationCase.Source.PIPELINE, subject=ana, message=held, reason="x"
    )
    cid = conversation.pk
    attempts = [
        ("get", f"/me/conversations/{cid}", None),
        ("patch", f"/me/conversations/{cid}", {"translate": True}),
        ("get", f"/me/conversations/{cid}/messages", None),
        ("post", f"/me/conversations/{cid}/read", {"seq": 1}),
        ("patch", f"/me/messages/{message.pk}", {"text": "mine now"}),
        ("delete", f"/me/messages/{message.pk}", None),
        ("post", "/me/reports", {"conversation": cid, "message": message.pk, "reason": "spam"}),
        ("post", "/me/appeals", {"message": held.pk}),
        ("get", f"/me/conversations/{cid + 1000}", None),
    ]

    for method, path, body in attempts:
        status, answer = call(method, path, eve, body)
        assert status == 404, (method, path, answer)
        assert answer["error"] in ("not_found", "not_your_message"), answer
    # Bruno is in the conversation, but the message and the held one are Ana's.
    for method, path, body in attempts[4:6] + attempts[7:8]:
        assert call(method, path, bruno, body)[0] == 404, (method, path)
    message.refresh_from_db()
    assert message.text == "hello" and message.deleted_at is None
    assert not MessageEdit.objects.exists() and not Report.objects.exists()
    translating = Participant.objects.filter(conversation=conversation, translate=True)
    assert list(translating.values_list("user", flat=True)) == [bruno.pk]


# --- me ------------------------------------------------------------------------------------


def test_me_shows_and_changes_my_settings(make_user):
    ana = make_user(username="ana", language="en")

    status, me = call("get", "/me", ana)
    assert status == 200
    assert me == {
        "id": ana.pk, "username": "ana", "display_name": "", "language": "en",
        "interface_language": "", "country": "US", "bio": "", "bio_version": 1, "avatar_url": "",
    }  # fmt: skip

    status, me = call(
        "patch", "/me", ana, {"language": "es", "interface_language": "fr", "display_name": "Ana"}
    )
    assert status == 200
    assert (me["language"], me["interface_language"], me["display_name"]) == ("es", "fr", "Ana")
    status, me = call("patch", "/me", ana, {"interface_language": ""})
    assert me["interface_language"] == "" and me["language"] == "es"
    status, me = call("put", "/me/bio", ana, {"bio": "Hola, soy Ana"})
    assert (status, me["bio"], me["bio_version"]) == (200, "Hola, soy Ana", 2)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"language": "xx"}, 400, "unsupported_language"),
        ({"interface_language": "klingon"}, 400, "unsupported_language"),
        ({"display_name": "x" * 151}, 422, "invalid_request"),
        ({"display_name": "a\x00b"}, 422, "invalid_request"),
        (5, 422, "invalid_request"),  # found by the fuzzer: not an object, read as one
    ],
)
def test_bad_settings_are_refused_and_change_nothing(make_user, body, status, code):
    ana = make_user(language="en")

    got, answer = call("patch", "/me", ana, body)

    assert (got, answer["error"]) == (status, code)
    assert call("get", "/me", ana)[1]["language"] == "en"


def test_a_bio_is_at_most_2000_characters(make_user):
    ana = make_user()
    status, answer = call("put", "/me/bio", ana, {"bio": "x" * 2001})
    assert (status, answer["error"]) == (422, "invalid_request")


def test_a_user_without_a_profile_gets_one(django_user_model):
    admin = django_user_model.objects.create_user(username="admin", password="pw")

    status, me = call("get", "/me", admin)

    assert status == 200 and me["language"] == "en"
    assert Profile.objects.filter(user=admin).exists()


def test_a_new_reading_language_reaches_the_pipelines_cached_context(
    pair, django_capture_on_commit_callbacks
):
    ana, bruno, conversation = pair
    cache.clear()
    before = conversation_context(conversation_id=conversation.pk).member(bruno.pk)
    assert before.reading_language == "es"

    with django_capture_on_commit_callbacks(execute=True):
        call("patch", "/me", bruno, {"language": "fr"})

    after = conversation_context(conversation_id=conversation.pk).member(bruno.pk)
    assert after.reading_language == "fr"


@pytest.mark.django_db(transaction=True)
async def test_a_new_reading_language_reaches_my_open_sockets(pair):
    ana, bruno, conversation = pair
    b = await open_socket(bruno)
    await subscribe(b, conversation.pk)

    await database_sync_to_async(call)("patch", "/me", bruno, {"language": "fr"})

    frame = await receive_type(b, "translation.settings")
    assert frame == {
        "type": "translation.settings",
        "conversation": conversation.pk,
        "translate": True,
        "language": "fr",
    }
    await close(b)


# --- people --------------------------------------------------------------------------------


def test_a_bio_is_read_translated_by_someone_who_shares_a_conversation(pair, settings):
    settings.CHAT_DIRECTORY = False
    ana, bruno, _ = pair
    Profile.objects.filter(user=ana).update(bio="I love hiking and good coffee")

    status, bio = call("get", f"/users/{ana.pk}/bio", bruno)

    assert status == 200
    assert bio["user"]["id"] == ana.pk and bio["user"]["username"] == "ana"
    assert bio["user"]["online"] is False and bio["user"]["last_seen"] is None
    assert bio["bio"] == "I love hiking and good coffee" and bio["source_language"] == "en"
    assert bio["translation"]["language"] == "es" and bio["translation"]["demo"] is True
    status, bio = call("get", f"/users/{ana.pk}/bio?lang=en", bruno)
    assert status == 200 and bio["translation"] is None
    status, answer = call("get", f"/users/{ana.pk}/bio?lang=xx", bruno)
    assert (status, answer["error"]) == (400, "unsupported_language")


def test_a_bio_is_hidden_from_strangers_unless_the_directory_is_on(pair, make_user, settings):
    ana, bruno, _ = pair
    stranger = make_user()
    settings.CHAT_DIRECTORY = False

    assert call("get", f"/users/{ana.pk}/bio", stranger)[0] == 404
    assert call("get", f"/users/{ana.pk + 1000}/bio", stranger)[0] == 404
    settings.CHAT_DIRECTORY = True
    assert call("get", f"/users/{ana.pk}/bio", stranger)[0] == 200
    Block.objects.create(blocker=ana, blocked=stranger)
    assert call("get", f"/users/{ana.pk}/bio", stranger)[0] == 404
    Block.objects.create(blocker=ana, blocked=bruno)
    assert call("get", f"/users/{ana.pk}/bio", bruno)[0] == 404


def test_contacts_are_the_directory_without_me_and_blocked_people(make_user, settings):
    settings.CHAT_DIRECTORY = True
    ana, bea, cai, dan = (make_user(username=name) for name in ("ana", "bea", "cai", "dan"))
    make_user(username="gone").__class__.objects.filter(username="gone").update(is_active=False)
    Block.objects.create(blocker=ana, blocked=bea)
    Block.objects.create(blocker=cai, blocked=ana)

    status, contacts = call("get", "/me/contacts", ana)

    assert status == 200 and [c["username"] for c in contacts] == ["dan"]
    assert set(contacts[0]) == {
        "id", "username", "display_name", "avatar_url", "language", "online", "last_seen"
    }  # fmt: skip
    settings.CHAT_DIRECTORY = False
    assert call("get", "/me/contacts", ana) == (200, [])


# --- conversations -------------------------------------------------------------------------


def test_the_conversation_list_shows_unread_counts_last_messages_and_members(
    pair, make_user, make_conversation
):
    ana, bruno, conversation = pair
    cai = make_user(username="cai")
    quiet = make_conversation(bruno, cai)
    deliver(conversation, bruno, "hola")
    deliver(conversation, ana, "Good morning", translations={"es": "Buenos días"})
    deliver(conversation, ana, "How are you?", translations={"es": "¿Cómo estás?"})
    deliver(conversation, ana, "gone", deleted_at=timezone.now())
    Participant.objects.filter(conversation=conversation, user=ana).update(
        delivered_seq=1, last_read_seq=1
    )
    Participant.objects.filter(conversation=conversation, user=bruno).update(last_read_seq=2)

    status, listed = call("get", "/me/conversations", bruno)

    assert status == 200
    assert [c["id"] for c in listed] == [conversation.pk, quiet.pk]
    first = listed[0]
    assert first["unread"] == 1  # "How are you?"; the deleted one does not count
    assert (first["read_seq"], first["last_seq"], first["translate"]) == (2, 4, True)
    assert first["language"] == "es" and first["closed"] is False and first["closed_reason"] == ""
    assert first["last_message"]["text"] == "How are you?"
    assert first["last_message"]["translation"]["text"] == "¿Cómo estás?"
    assert first["last_message"]["deleted"] is False and first["last_message"]["edited_at"] is None
    assert [(m["username"], m["delivered_seq"], m["read_seq"]) for m in first["members"]] == [
        ("ana", 1, 1)
    ]
    assert first["members"][0]["online"] is False
    assert listed[1]["last_message"] is None and listed[1]["unread"] == 0
    # Ana does not translate: her view has no translation.
    mine = call("get", f"/me/conversations/{conversation.pk}", ana)[1]
    assert mine["last_message"]["translation"] is None and mine["unread"] == 0


def test_the_most_recently_active_conversation_comes_first(pair, make_user, make_conversation):
    ana, bruno, older = pair
    newer = make_conversation(ana, make_user())
    deliver(older, ana, "first")
    deliver(newer, ana, "second")
    assert [c["id"] for c in call("get", "/me/conversations", ana)[1]] == [newer.pk, older.pk]

    deliver(older, bruno, "third")

    assert [c["id"] for c in call("get", "/me/conversations", ana)[1]] == [older.pk, newer.pk]


def test_listing_conversations_costs_the_same_queries_for_one_or_many(
    make_user, make_conversation, django_assert_max_num_queries
):
    ana = make_user()
    for index in range(12):
        other = make_user()
        conversation = make_conversation(ana, other, translate_for=[ana])
        deliver(conversation, other, f"hello {index}", translations={"en": "hi"})
        deliver(conversation, ana, "hey")

    with django_assert_max_num_queries(8):
        status, listed = call("get", "/me/conversations", ana)
    assert status == 200 and len(listed) == 12
    assert all(c["last_message"]["text"] == "hey" for c in listed)


def test_a_history_page_costs_the_same_queries_however_long(pair, django_assert_max_num_queries):
    ana, bruno, conversation = pair
    for index in range(60):
        deliver(conversation, ana, f"m{index}", translations={"es": f"es{index}"})
        withheld(conversation, bruno, f"w{index}", Message.Status.BLOCKED)

    with django_assert_max_num_queries(9):
        status, page = call("get", f"/me/conversations/{conversation.pk}/messages?limit=100", bruno)
    assert status == 200 and len(page["messages"]) == 120


def test_history_pages_go_back_with_before_and_say_when_there_is_more(pair):
    ana, bruno, conversation = pair
    for index in range(5):
        deliver(conversation, ana, f"m{index + 1}", translations={"es": f"es{index + 1}"})
    path = f"/me/conversations/{conversation.pk}/messages"

    status, latest = call("get", f"{path}?limit=2", bruno)
    assert status == 200 and latest["more"] is True
    assert [m["seq"] for m in latest["messages"]] == [4, 5]
    assert latest["messages"][0]["translation"]["text"] == "es4"
    older = call("get", f"{path}?limit=2&before=4", bruno)[1]
    assert [m["seq"] for m in older["messages"]] == [2, 3] and older["more"] is True
    oldest = call("get", f"{path}?limit=2&before=2", bruno)[1]
    assert [m["seq"] for m in oldest["messages"]] == [1] and oldest["more"] is False
    assert [m["seq"] for m in call("get", path, bruno)[1]["messages"]] == [1, 2, 3, 4, 5]
    assert call("get", f"{path}?before=99", bruno)[1]["more"] is False
    for bad in ("limit=0", "limit=101", "before=0", "limit=x"):
        status, answer = call("get", f"{path}?{bad}", bruno)
        assert (status, answer["error"]) == (422, "invalid_request"), bad


def test_history_shows_my_own_unnumbered_messages_where_they_were_and_nobody_elses(pair):
    ana, bruno, conversation = pair
    start = timezone.now() - timedelta(hours=1)

    def at(minutes: int) -> dict:
        return {"created_at": start + timedelta(minutes=minutes)}

    messages = [
        deliver(conversation, ana, "one"),
        withheld(conversation, ana, "wallet 1", Message.Status.BLOCKED),
        deliver(conversation, bruno, "two"),
        withheld(conversation, bruno, "bruno's blocked", Message.Status.BLOCKED),
        withheld(conversation, ana, "held", Message.Status.HELD),
        deliver(conversation, ana, "three"),
        withheld(conversation, ana, "rejected", Message.Status.REJECTED),
        withheld(conversation, ana, "pending", Message.Status.PENDING),
    ]
    for minutes, message in enumerate(messages):  # auto_now_add: set the times afterwards
        Message.objects.filter(pk=message.pk).update(**at(minutes))
    path = f"/me/conversations/{conversation.pk}/messages"

    shown = call("get", path, ana)[1]["messages"]

    assert [(m["text"], m["status"], m["seq"]) for m in shown] == [
        ("one", "delivered", 1),
        ("wallet 1", "blocked", None),
        ("two", "delivered", 2),
        ("held", "held", None),
        ("three", "delivered", 3),
        ("rejected", "rejected", None),
        ("pending", "pending", None),
    ]
    assert shown[1]["reason"] == "crypto_wallet" and shown[0]["reason"] == ""
    assert [m["text"] for m in call("get", path, bruno)[1]["messages"]] == [
        "one", "two", "bruno's blocked", "three"
    ]  # fmt: skip
    # Paged: each of Ana's own messages on exactly one page.
    pages = [call("get", f"{path}?limit=1&before={before}", ana)[1] for before in (4, 3, 2)]
    assert [[m["text"] for m in page["messages"]] for page in pages] == [
        ["three", "rejected", "pending"],
        ["two", "held"],
        ["one", "wallet 1"],
    ]


def test_history_shows_deleted_and_retracted_messages_as_stubs(pair):
    ana, bruno, conversation = pair
    deliver(conversation, ana, "secret", deleted_at=timezone.now(), translations={"es": "x"})
    retracted = deliver(conversation, ana, "scam")
    Message.objects.filter(pk=retracted.pk).update(status=Message.Status.REJECTED)
    deliver(conversation, ana, "fixed", edited_at=timezone.now())

    shown = call("get", f"/me/conversations/{conversation.pk}/messages", bruno)[1]["messages"]

    deleted, rejected, changed = shown
    assert deleted["deleted"] is True and deleted["text"] == "" and deleted["translation"] is None
    assert rejected["status"] == "rejected" and rejected["text"] == "" and rejected["seq"] == 2
    assert changed["edited_at"] is not None and changed["text"] == "fixed"


def test_translation_settings_change_over_http(pair):
    ana, _, conversation = pair

    status, view = call(
        "patch", f"/me/conversations/{conversation.pk}", ana, {"translate": True, "language": "de"}
    )

    assert status == 200 and (view["translate"], view["language"]) == (True, "de")
    status, answer = call(
        "patch", f"/me/conversations/{conversation.pk}", ana, {"translate": True, "language": "xx"}
    )
    assert (status, answer["error"]) == (400, "unsupported_language")


def test_reading_moves_my_read_number_forward_only(pair):
    ana, bruno, conversation = pair
    for text in ("a", "b", "c"):
        deliver(conversation, ana, text)
    path = f"/me/conversations/{conversation.pk}/read"

    assert call("post", path, bruno, {"seq": 2}) == (200, {"read_seq": 2})
    assert call("post", path, bruno, {"seq": 1}) == (200, {"read_seq": 2})
    assert call("post", path, bruno, {"seq": 99}) == (200, {"read_seq": 3})
    view = call("get", f"/me/conversations/{conversation.pk}", bruno)[1]
    assert view["read_seq"] == 3 and view["unread"] == 0
    assert (
        call("get", f"/me/conversations/{conversation.pk}", ana)[1]["members"][0]["read_seq"] == 3
    )
    status, answer = call("post", path, bruno, {"seq": -1})
    assert (status, answer["error"]) == (422, "invalid_request")


def test_starting_a_conversation_needs_the_directory(pair, make_user, settings):
    ana, _, _ = pair
    cai = make_user(username="cai")
    settings.CHAT_DIRECTORY = False

    status, answer = call("post", "/me/conversations", ana, {"user": cai.pk})

    assert (status, answer["error"]) == (403, "directory_off")
    settings.CHAT_DIRECTORY = True
    status, created = call("post", "/me/conversations", ana, {"user": cai.pk})
    assert status == 201 and created["kind"] == "direct"
    assert [m["username"] for m in created["members"]] == ["cai"]
    again = call("post", "/me/conversations", cai, {"user": ana.pk})
    assert again[0] == 200 and again[1]["id"] == created["id"]
    for nobody in (ana.pk, cai.pk + 1000):
        status, answer = call("post", "/me/conversations", ana, {"user": nobody})
        assert (status, answer["error"]) == (404, "not_found")


def test_a_closed_conversation_is_not_reused(pair, settings):
    settings.CHAT_DIRECTORY = True
    ana, bruno, conversation = pair
    Conversation.objects.filter(pk=conversation.pk).update(
        closed_at=timezone.now(), closed_reason="unmatched"
    )

    status, created = call("post", "/me/conversations", ana, {"user": bruno.pk})

    assert status == 201 and created["id"] != conversation.pk
    closed = call("get", f"/me/conversations/{conversation.pk}", ana)[1]
    assert closed["closed"] is True and closed["closed_reason"] == "unmatched"


@pytest.mark.django_db(transaction=True)
async def test_both_people_hear_of_a_new_conversation(make_user, settings):
    settings.CHAT_DIRECTORY = True
    ana = await database_sync_to_async(make_user)(username="ana")
    cai = await database_sync_to_async(make_user)(username="cai", language="fr")
    a, c = await open_socket(ana), await open_socket(cai)

    status, created = await database_sync_to_async(call)(
        "post", "/me/conversations", ana, {"user": cai.pk}
    )

    assert status == 201
    to_ana = (await receive_type(a, "conversation.new"))["conversation"]
    to_cai = (await receive_type(c, "conversation.new"))["conversation"]
    assert to_ana == created
    assert to_cai["id"] == created["id"] and to_cai["language"] == "fr"
    assert [m["username"] for m in to_cai["members"]] == ["ana"]
    await close(a, c)


# --- messages ------------------------------------------------------------------------------


def test_the_sender_edits_and_deletes_their_message(pair):
    ana, bruno, conversation = pair
    message = deliver(conversation, ana, "Helo")

    status, accepted = call("patch", f"/me/messages/{message.pk}", ana, {"text": "Hello"})

    edit = MessageEdit.objects.get(kind=MessageEdit.Kind.EDIT)
    assert status == 202 and accepted == {"id": message.pk, "edit": edit.pk, "status": "pending"}
    assert call("delete", f"/me/messages/{message.pk}", ana) == (204, None)
    message.refresh_from_db()
    assert message.deleted_at is not None
    status, answer = call("patch", f"/me/messages/{message.pk}", ana, {"text": "again"})
    assert (status, answer["error"]) == (409, "message_deleted")


@pytest.mark.parametrize(
    ("change", "body", "status", "code"),
    [
        ("old", {"text": "late"}, 403, "edit_window_closed"),
        ("closed", {"text": "after"}, 409, "conversation_closed"),
        (None, {"text": "   "}, 400, "empty_message"),
        (None, {"text": "x" * 4001}, 400, "message_too_long"),
        (None, {"text": "a\x00"}, 422, "invalid_request"),
    ],
)
def test_an_edit_that_cannot_be_made_is_refused(pair, change, body, status, code):
    ana, _, conversation = pair
    message = deliver(conversation, ana, "original")
    if change == "old":
        Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(days=2))
    if change == "closed":
        Conversation.objects.filter(pk=conversation.pk).update(closed_at=timezone.now())

    got, answer = call("patch", f"/me/messages/{message.pk}", ana, body)

    assert (got, answer["error"]) == (status, code)
    assert not MessageEdit.objects.exists()


def test_a_member_reports_a_message_and_appeals_their_own(pair):
    ana, bruno, conversation = pair
    message = deliver(conversation, ana, "buy my coin")
    held = withheld(conversation, bruno, "my shop", Message.Status.BLOCKED)
    case = ModerationCase.objects.create(
        source=ModerationCase.Source.PIPELINE, subject=bruno, message=held, reason="x"
    )
    body = {"conversation": conversation.pk, "message": message.pk, "reason": "scam"}

    status, report = call("post", "/me/reports", bruno, body)

    assert status == 201 and Report.objects.get(pk=report["id"]).case_id == report["case"]
    status, answer = call("post", "/me/reports", bruno, {**body, "reason": "boring"})
    assert (status, answer["error"]) == (422, "invalid_request")
    status, appeal = call("post", "/me/appeals", bruno, {"message": held.pk, "comment": "a shop"})
    assert (status, appeal) == (201, {"message": held.pk})
    case.refresh_from_db()
    assert case.appealed and case.appeal_note == "a shop"
