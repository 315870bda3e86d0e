"""Client frames: decoding the text within limits, then each type, its fields and their values."""

import json
import re
from dataclasses import dataclass
from typing import Any

from chat.errors import ClientError
from chat.text_rules import string_check, visible_text_check

# Arrays and objects nest at most this deep, the frame's own object included. Every frame
# today is 1 deep; the margin is for fields to come. Python's JSON decoder recurses (it fails
# near 1,000), so depth is measured on the text before decoding.
MAX_DEPTH = 32
# Every integer in a frame fits a signed 64-bit column (PostgreSQL bigint, SQLite INTEGER).
MAX_INT = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: type | tuple[type, ...]
    required: bool = True
    # The smallest integer allowed (0 for a sequence number, 1 for the id of a row).
    minimum: int = 0
    # A message's text: it must show something.
    visible: bool = False


_ID = Field("conversation", int, minimum=1)

FRAMES: dict[str, tuple[Field, ...]] = {
    "subscribe": (_ID, Field("since", int, required=False)),
    "unsubscribe": (_ID,),
    "message.send": (_ID, Field("client_id", str), Field("text", str, visible=True)),
    "typing": (_ID,),
    "translation.set": (
        _ID,
        Field("enabled", bool),
        Field("language", (str, type(None)), required=False),
    ),
    "report": (
        _ID,
        Field("reason", str),
        Field("message", int, required=False, minimum=1),
        Field("user", int, required=False, minimum=1),
        Field("comment", str, required=False),
    ),
    "message.appeal": (Field("id", int, minimum=1), Field("comment", str, required=False)),
    "message.edit": (Field("id", int, minimum=1), Field("text", str, visible=True)),
    "message.delete": (Field("id", int, minimum=1),),
    "received": (_ID, Field("seq", int)),
    "read": (_ID, Field("seq", int)),
    "ping": (Field("id", (str, int), required=False),),
}

# A JSON string, closed or not (an unclosed one runs to the end, so the text is read once).
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
# Brackets as bytes, an opening one as 1 and a closing one as 0; every other byte deleted.
_OPEN, _CLOSE = 1, 0
_BRACKETS = bytes.maketrans(b"[{]}", bytes([_OPEN, _OPEN, _CLOSE, _CLOSE]))
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_PAIR = re.compile(bytes([_OPEN, _CLOSE]))


def too_deep(text: str) -> bool:
    """Whether a JSON text nests arrays and objects more than MAX_DEPTH deep, found without
    decoding it, in a few milliseconds at most for the largest frame.

    Strings aside, each pass deletes every innermost pair of brackets, so MAX_DEPTH passes
    delete every pair nested at most MAX_DEPTH deep: a pair left over nests deeper. Brackets
    that never close (more than MAX_DEPTH of them) are too deep as well. For valid JSON this is
    exact; for other text it bounds how deep the decoder goes before it fails.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False  # the usual frame
    if '"' in text:
        text = _STRING.sub("", text)
    brackets = text.encode("utf-8", "surrogatepass").translate(_BRACKETS, _NOT_BRACKETS)
    if brackets.count(_OPEN) - brackets.count(_CLOSE) > MAX_DEPTH:
        return True
    for _ in range(MAX_DEPTH):
        brackets, deleted = _PAIR.subn(b"", brackets)
        if not deleted:
            return False
    return _PAIR.search(brackets) is not None


def decode_frame(text: str | None, *, max_bytes: int) -> Any:
    """The JSON value of a text frame, or a ClientError: binary, too large, too deep, not JSON."""
    if text is None:
        raise ClientError("invalid_frame", "frames are JSON text, not binary")
    # "surrogatepass": a frame that is not valid Unicode is measured like any other; a field
    # that holds a lone surrogate is refused by parse_frame.
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise ClientError("frame_too_large", f"frames are limited to {max_bytes} bytes")
    deep = ClientError("frame_too_deep", f"arrays and objects nest at most {MAX_DEPTH} deep")
    if too_deep(text):
        raise deep
    try:
        return json.loads(text)
    except RecursionError:  # only if MAX_DEPTH were raised near the decoder's own limit
        raise deep from None
    except ValueError:
        raise ClientError("bad_json", "the frame is not valid JSON") from None


def parse_frame(content: Any) -> tuple[str, dict[str, Any]]:
    """Check a decoded frame against FRAMES; returns (type, fields) or raises ClientError."""
    if not isinstance(content, dict):
        raise ClientError("invalid_frame", "a frame is a JSON object")
    frame_type = content.get("type")
    if not isinstance(frame_type, str):
        raise ClientError("invalid_frame", "a frame needs a string 'type'")
    fields = FRAMES.get(frame_type)
    if fields is None:
        raise ClientError("unknown_type", f"unknown frame type {frame_type[:40]!r}")
    values: dict[str, Any] = {}
    for field in fields:
        if field.name not in content:
            if field.required:
                raise ClientError("invalid_field", f"'{field.name}' is required")
            continue
        values[field.name] = _value(field, content[field.name])
    return frame_type, values


def known_type(content: Any) -> str | None:
    """The frame's type if it is one of FRAMES (for a log line: never text a client chose)."""
    frame_type = content.get("type") if isinstance(content, dict) else None
    return frame_type if isinstance(frame_type, str) and frame_type in FRAMES else None


def error_echo(content: Any) -> dict[str, str]:
    """What an error answering this frame repeats of it: a `message.send`'s client_id (when it
    is a valid string), so a client with several messages in flight can mark the right one."""
    if known_type(content) != "message.send" or not isinstance(content.get("client_id"), str):
        return {}
    try:
        string_check("client_id", content["client_id"])
    except ClientError:
        return {}
    return {"client_id": content["client_id"]}


def _value(field: Field, value: Any) -> Any:
    """`value` if it is what `field` takes, else a ClientError saying why."""
    # bool is an int in Python; an id or a sequence number is never true/false.
    wrong_bool = isinstance(value, bool) and field.kind in (int, (str, int))
    if wrong_bool or not isinstance(value, field.kind):
        raise ClientError("invalid_field", f"'{field.name}' has the wrong type")
    if isinstance(value, int) and not isinstance(value, bool):
        if not field.minimum <= value <= MAX_INT:
            raise ClientError(
                "invalid_field", f"'{field.name}' must be {field.minimum} to {MAX_INT}"
            )
    elif isinstance(value, str):
        string_check(field.name, value)
        if field.visible:
            visible_text_check(field.name, value)
    return value
