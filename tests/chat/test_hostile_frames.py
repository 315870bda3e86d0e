"""Hostile frames on the chat socket: every one is answered with a stable error code and at
most one line of log, never a traceback, never a dropped socket, never `internal_error` for
something a retry cannot fix."""

import itertools
import json
import logging
import os
import re
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chat.frame_log import FAILED_PER_MINUTE, REFUSED_PER_MINUTE, FrameLog
from chat.models import Message
from chat.protocol import FRAMES, MAX_DEPTH, MAX_INT
from tests.chat.socket_client import (
    close,
    open_socket,
    receive_type,
    send_message,
    subscribe,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

_probes = itertools.count(1)


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno)


async def still_open(socket) -> None:
    """The socket answers a ping: it is open and every earlier frame was handled."""
    probe = f"probe-{next(_probes)}"
    await socket.send_json_to({"type": "ping", "id": probe})
    while True:
        frame = await socket.receive_json_from(timeout=10)
        if frame["type"] == "pong" and frame["id"] == probe:
            return


async def refused(socket, raw: str) -> dict:
    """The error frame that answers `raw`; the socket is still open after it."""
    await socket.send_to(text_data=raw)
    error = await receive_type(socket, "error")
    await still_open(socket)
    return error


def send(conversation: int, text: str, client_id: str = "c1") -> str:
    # json.dumps escapes a lone surrogate as \udXXX, as a browser's JSON.stringify would.
    return json.dumps(
        {"type": "message.send", "conversation": conversation, "client_id": client_id,
         "text": text}
    )  # fmt: skip


def nested(depth: int) -> str:
    """A ping frame whose deepest array is `depth` levels down, the frame itself included."""
    return '{"type": "ping", "id": 1, "x": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


# --- nesting ---------------------------------------------------------------------------------


async def test_deeply_nested_json_is_refused_and_the_socket_stays_open(pair):
    alice, _, _ = pair
    a = await open_socket(alice)

    for raw in ("[" * 5000, "[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000):
        assert (await refused(a, raw))["code"] == "frame_too_deep"
    assert (await refused(a, nested(MAX_DEPTH + 1)))["code"] == "frame_too_deep"
    await close(a)


async def test_nesting_up_to_the_limit_and_brackets_inside_strings_are_fine(pair):
    alice, _, _ = pair
    a = await open_socket(alice)

    await a.send_to(text_data=nested(MAX_DEPTH))
    assert (await receive_type(a, "pong"))["id"] == 1
    await a.send_json_to({"type": "ping", "id": "[{" * 2000})
    assert (await receive_type(a, "pong"))["id"] == "[{" * 2000
    # An unterminated string full of brackets is not JSON, and costs no more than one pass.
    assert (await refused(a, '{"type": "ping", "id": "' + '\\"[' * 20000))["code"] in (
        "bad_json",
        "frame_too_deep",
    )
    await close(a)


# --- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "subscribe", "conversation": 2**63},
        {"type": "subscribe", "conversation": 10**100},  # a group name over 100 characters
        {"type": "subscribe", "conversation": 0},
        {"type": "subscribe", "conversation": "{conv}", "since": 2**63},
        {"type": "message.send", "conversation": 2**64, "client_id": "c", "text": "hi"},
        {"type": "typing", "conversation": 10**90},
        {"type": "unsubscribe", "conversation": 2**63},
        {"type": "read", "conversation": "{conv}", "seq": 2**63},
        {"type": "received", "conversation": 2**70, "seq": 1},
        {"type": "report", "conversation": "{conv}", "reason": "scam", "message": 2**63},
        {"type": "report", "conversation": "{conv}", "reason": "scam", "user": 10**30},
        {"type": "message.edit", "id": 2**63, "text": "hi"},
        {"type": "message.delete", "id": 0},
        {"type": "message.appeal", "id": 2**100},
        {"type": "translation.set", "conversation": 2**63, "enabled": True},
        {"type": "ping", "id": 2**63},
    ],
)
async def test_an_id_out_of_range_is_an_invalid_field_not_a_server_error(pair, frame):
    alice, _, conversation = pair
    a = await open_socket(alice)
    frame = {k: conversation.pk if v == "{conv}" else v for k, v in frame.items()}

    error = await refused(a, json.dumps(frame))

    assert error["code"] == "invalid_field", error
    assert str(MAX_INT) in error["detail"]
    await close(a)


async def test_the_largest_id_is_looked_up_like_any_other(pair):
    """2**63 - 1 fits every column and group name: it names no conversation, that is all."""
    alice, _, conversation = pair
    a = await open_socket(alice)

    for frame in (
        {"type": "subscribe", "conversation": MAX_INT},
        {"type": "message.send", "conversation": MAX_INT, "client_id": "m", "text": "hi"},
        {"type": "report", "conversation": conversation.pk, "reason": "scam", "message": MAX_INT},
        {"type": "message.edit", "id": MAX_INT, "text": "hi"},
    ):
        error = await refused(a, json.dumps(frame))
        assert error["code"] in ("not_a_member", "not_found", "not_your_message"), error
    await a.send_json_to({"type": "subscribe", "conversation": conversation.pk, "since": MAX_INT})
    assert (await receive_type(a, "subscribed"))["last_seq"] == 0
    await close(a)


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("text", "hi \ud800 there"), ("text", "\udfff"), ("client_id", "c\udc00")],
)
async def test_a_lone_surrogate_is_invalid_unicode(pair, field, value):
    alice, _, conversation = pair
    a = await open_socket(alice)
    frame = {"type": "message.send", "conversation": conversation.pk, "client_id": "c1"}

    error = await refused(a, json.dumps({**frame, "text": "hi", field: value}))

    assert error["code"] == "invalid_unicode", error
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(a)


async def test_a_lone_surrogate_in_any_string_field_or_the_raw_frame_is_invalid_unicode(pair):
    alice, _, conversation = pair
    a = await open_socket(alice)
    conv = conversation.pk

    for frame in (
        {"type": "report", "conversation": conv, "reason": "scam", "user": 1, "comment": "\ud83d"},
        {"type": "translation.set", "conversation": conv, "enabled": True, "language": "e\udc00"},
        {"type": "message.edit", "id": 1, "text": "\ud800"},
        {"type": "ping", "id": "\udbff"},
    ):
        assert (await refused(a, json.dumps(frame)))["code"] == "invalid_unicode", frame
    # A text frame that is itself not valid Unicode (an ASGI server passing one through).
    raw = '{"type": "ping", "id": "\ud800"}'
    assert (await refused(a, raw))["code"] == "invalid_unicode"
    await close(a)


async def test_a_surrogate_pair_is_one_character_and_welcome(pair):
    alice, _, conversation = pair
    a = await open_socket(alice)

    await a.send_to(text_data=send(conversation.pk, "😀"))  # sent as "\ud83d\ude00"

    accepted = await receive_type(a, "message.accepted")
    assert (await database_sync_to_async(Message.objects.get)(pk=accepted["id"])).text == "😀"
    await close(a)


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "message.send", "conversation": "{conv}", "client_id": "c1", "text": "a\x00b"},
        {"type": "message.send", "conversation": "{conv}", "client_id": "c\x00", "text": "hi"},
        {"type": "message.edit", "id": 1, "text": "\x00"},
        {"type": "report", "conversation": "{conv}", "reason": "scam\x00", "user": 1},
        {"type": "report", "conversation": "{conv}", "reason": "scam", "comment": "x\x00"},
        {"type": "translation.set", "conversation": "{conv}", "enabled": True, "language": "\x00"},
    ],
)
async def test_a_nul_character_is_refused_before_it_reaches_postgresql(pair, frame):
    alice, _, conversation = pair
    a = await open_socket(alice)
    frame = {k: conversation.pk if v == "{conv}" else v for k, v in frame.items()}

    error = await refused(a, json.dumps(frame))

    assert error["code"] == "nul_character", error
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(a)


@pytest.mark.parametrize(
    "text",
    [
        "\u200b",
        "\u200b\u200c\u200d\u2060\ufeff",
        " \u200b \u00ad ",
        "\u2800\u3164",  # a blank braille cell and the Hangul filler: letters that show nothing
        "\ufe0f\U000e0041\u034f",  # a variation selector, a tag, the grapheme joiner
        "\u202e\u2066\u2069",  # direction controls
        "\x01\x7f",
    ],
)
async def test_text_with_no_visible_character_is_invisible_text(pair, text):
    alice, _, conversation = pair
    a = await open_socket(alice)

    error = await refused(a, send(conversation.pk, text, client_id="zw"))

    assert error["code"] == "invisible_text", error
    assert error["client_id"] == "zw"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await close(a)


async def test_an_edit_to_invisible_text_is_refused_too(pair):
    alice, _, conversation = pair
    a = await open_socket(alice)

    error = await refused(a, json.dumps({"type": "message.edit", "id": 1, "text": "\u200b"}))

    assert error["code"] == "invisible_text"
    await close(a)


@pytest.mark.parametrize(
    "text", ["👨\u200d👩\u200d👧", "a\u200b", "\u0301", "🇪🇸", "\U0001fae8", "\ue000", "نعم\u200f"]
)
async def test_text_with_one_visible_character_among_invisible_ones_is_accepted(pair, text):
    alice, _, conversation = pair
    a = await open_socket(alice)

    await a.send_to(text_data=send(conversation.pk, text))

    assert (await receive_type(a, "message.accepted"))["status"] in ("pending", "delivered")
    await close(a)


async def test_whitespace_only_text_is_still_an_empty_message(pair):
    alice, _, conversation = pair
    a = await open_socket(alice)

    assert (await refused(a, send(conversation.pk, " \n\u3000")))["code"] == "empty_message"
    await close(a)


# --- subscribe past the end --------------------------------------------------------------------


async def test_a_since_past_the_end_is_read_as_the_end_and_live_frames_still_arrive(pair):
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)
    await subscribe(a, conversation.pk)
    await send_message(a, conversation.pk, "m1", "one")
    await receive_type(a, "message.new")

    for since in (2, 10**6, MAX_INT):  # a second subscribe on the same socket, too
        await b.send_json_to({"type": "subscribe", "conversation": conversation.pk, "since": since})
        subscribed = await receive_type(b, "subscribed")
        assert subscribed["last_seq"] == 1 and subscribed["more"] is False

    await send_message(a, conversation.pk, "m2", "two")
    live = await receive_type(b, "message.new")
    assert (live["message"]["seq"], live["message"]["text"]) == (2, "two")
    await close(a, b)


# --- logs ------------------------------------------------------------------------------------


def _hostile(conversation: int) -> list[str]:
    return [
        "[" * 5000,
        "not json",
        '{"type": "launch"}',
        json.dumps({"type": "subscribe", "conversation": 10**40}),
        send(conversation, "\ud800"),
        send(conversation, "a\x00"),
        send(conversation, "\u200b"),
        json.dumps({"type": "typing", "conversation": conversation}),
    ]


def _socket_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("chat.")]


async def test_two_hundred_bad_frames_log_a_few_lines_and_no_traceback(pair, caplog):
    caplog.set_level(logging.DEBUG)
    alice, _, conversation = pair
    a = await open_socket(alice)
    frames = _hostile(conversation.pk)

    for raw in itertools.islice(itertools.cycle(frames), 200):
        await a.send_to(text_data=raw)
        assert (await receive_type(a, "error"))["code"] != "internal_error"
    await still_open(a)

    records = _socket_records(caplog)
    assert REFUSED_PER_MINUTE <= len(records) <= REFUSED_PER_MINUTE + 1
    assert "suppressed" in records[-1].getMessage()
    assert all("\n" not in r.getMessage() and r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text
    assert "\ud800" not in caplog.text and "\x00" not in caplog.text
    await close(a)


async def test_a_failing_frame_answers_internal_error_with_one_traceback_a_minute(
    pair, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    alice, _, conversation = pair

    def broken(**kwargs):
        raise RuntimeError("the receipts table is on fire\n" + "and says so at length " * 50)

    monkeypatch.setattr("chat.consumers.receipt_mark", broken)
    a = await open_socket(alice)

    for _ in range(50):
        await a.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
        assert (await receive_type(a, "error"))["code"] == "internal_error"
    await still_open(a)

    records = _socket_records(caplog)
    assert [r.exc_info is not None for r in records].count(True) == 1
    assert len(records) <= FAILED_PER_MINUTE + 1
    assert all("\n" not in r.getMessage() for r in records)
    assert "RuntimeError" in records[1].getMessage()
    assert len(records[1].getMessage()) < 400
    await close(a)


async def test_each_socket_has_its_own_log_budget(pair, caplog):
    caplog.set_level(logging.DEBUG)
    alice, bruno, conversation = pair
    a, b = await open_socket(alice), await open_socket(bruno)

    for _ in range(REFUSED_PER_MINUTE + 5):
        await refused(a, "not json")
    await refused(b, "not json")

    assert len(_socket_records(caplog)) == REFUSED_PER_MINUTE + 2
    await close(a, b)


async def test_a_new_minute_says_how_many_lines_were_suppressed_and_logs_again(caplog):
    caplog.set_level(logging.DEBUG)
    now = [1000.0]
    log = FrameLog("user 1 socket s", clock=lambda: now[0])

    for _ in range(REFUSED_PER_MINUTE + 7):
        log.refused("typing", "not_subscribed")
    now[0] += 61
    log.refused("typing", "not_subscribed")

    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == REFUSED_PER_MINUTE + 3
    assert (
        lines[REFUSED_PER_MINUTE]
        == "user 1 socket s: more refused frames suppressed for up to a minute"
    )
    assert lines[-2] == "user 1 socket s: 7 refused frames suppressed in the last minute"
    assert lines[-1] == "user 1 socket s: typing frame refused: not_subscribed"


# --- any frame at all ------------------------------------------------------------------------

# The same cases every run, so CI is repeatable; XLATE_FUZZ_RANDOM=1 explores new ones.
DERANDOMIZE = not os.environ.get("XLATE_FUZZ_RANDOM")
OWN = "\x00own conversation\x00"  # stands for the socket's own conversation id

_DOCUMENTED = set(
    re.findall(
        r"^\| `([a-z_]+)` \|", (Path(__file__).parents[2] / "docs/protocol.md").read_text(), re.M
    )
)
_SERVER_TYPES = {
    "error", "pong", "subscribed", "unsubscribed", "message.new", "message.update",
    "message.accepted", "message.blocked", "message.held", "message.masked", "notice",
    "report.accepted", "appeal.accepted", "message.edit.accepted", "message.deleted",
    "message.rejected", "message.edit_blocked", "message.edit_held", "message.edit_rejected",
    "translation.settings", "receipt", "typing", "conversation.new", "conversation.closed",
}  # fmt: skip

_ints = st.one_of(
    st.integers(min_value=0, max_value=50),
    st.integers(),
    st.sampled_from([-1, 2**31, 2**53 + 1, MAX_INT, MAX_INT + 1, 2**64, 10**40, 10**100]),
)
_odd_text = st.lists(
    st.sampled_from(["a", " ", "\x00", "\ud800", "\udfff", "\u200b", "\u200d", "\ufeff", "😀",
                     "\u202e", "\u2800", "\n", "[", "{", '"', "\\", "é", "\u0301"]),
    max_size=8,
).map("".join)  # fmt: skip
_strings = st.one_of(
    st.text(max_size=20),
    _odd_text,
    st.sampled_from(["en", "es", "scam", "spam", ""]),
)
_leaves = st.one_of(st.none(), st.booleans(), _ints, st.floats(), _strings)
_json = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_strings, inner, max_size=3),
    max_leaves=8,
)
_RIGHT_KIND = {int: _ints, str: _strings, bool: st.booleans(), (str, type(None)): _strings}


def _value(field) -> st.SearchStrategy:
    """Mostly of the field's JSON type (hostile within it), sometimes anything at all."""
    right = _RIGHT_KIND.get(field.kind, _ints | _strings)
    if field.name == "conversation":
        right = st.just(OWN) | right
    return st.one_of(right, right, right, _json)


# Frames of every type, with their required fields, so hostile values reach the handlers...
_typed = st.one_of(
    *(
        st.fixed_dictionaries(
            {"type": st.just(name), **{f.name: _value(f) for f in fields if f.required}},
            optional={f.name: _value(f) for f in fields if not f.required},
        )
        for name, fields in FRAMES.items()
    )
)
# ... anything shaped like a frame ...
_field_names = sorted({f.name for fields in FRAMES.values() for f in fields})
_shaped = st.fixed_dictionaries(
    {"type": st.sampled_from([*FRAMES, "nope", ""])},
    optional={name: st.one_of(st.just(OWN), _ints, _strings, _json) for name in _field_names},
)
# ... and any text at all.
_raw = st.one_of(
    st.text(max_size=40),
    _json.map(json.dumps),
    st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_DEPTH + 2).map(lambda n: "[" * n),
    st.tuples(st.sampled_from(["[", '{"a":', '[{"b":']), st.integers(0, 3000)).map(
        lambda pair: pair[0] * pair[1]
    ),
)


@pytest.fixture
async def hostile_socket(pair):
    alice, _, conversation = pair
    socket = await open_socket(alice)
    yield socket, conversation.pk
    await close(socket)


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=list(HealthCheck),
)
@given(frame=st.one_of(_typed, _typed, _shaped, _raw))
async def test_any_frame_gets_an_error_or_a_reply_and_the_socket_stays_open(hostile_socket, frame):
    socket, conversation = hostile_socket
    if isinstance(frame, dict):
        frame = json.dumps({k: conversation if v == OWN else v for k, v in frame.items()})

    await socket.send_input({"type": "websocket.receive", "text": frame})  # "" included
    probe = f"probe-{next(_probes)}"
    await socket.send_json_to({"type": "ping", "id": probe})

    while True:
        reply = await socket.receive_json_from(timeout=10)
        assert isinstance(reply, dict) and reply.get("type") in _SERVER_TYPES, reply
        if reply["type"] == "error":
            assert reply["code"] in _DOCUMENTED, reply
            assert reply["code"] != "internal_error", (frame, reply)
        if reply["type"] == "pong" and reply["id"] == probe:
            break
