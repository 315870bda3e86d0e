"""Validation of client frames: each type, its fields and their JSON types."""

from dataclasses import dataclass
from typing import Any

from chat.errors import ClientError


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: type | tuple[type, ...]
    required: bool = True


_ID = Field("conversation", int)

FRAMES: dict[str, tuple[Field, ...]] = {
    "subscribe": (_ID, Field("since", int, required=False)),
    "unsubscribe": (_ID,),
    "message.send": (_ID, Field("client_id", str), Field("text", str)),
    "typing": (_ID,),
    "translation.set": (
        _ID,
        Field("enabled", bool),
        Field("language", (str, type(None)), required=False),
    ),
    "report": (
        _ID,
        Field("reason", str),
        Field("message", int, required=False),
        Field("user", int, required=False),
        Field("comment", str, required=False),
    ),
    "message.appeal": (Field("id", int), Field("comment", str, required=False)),
    "message.edit": (Field("id", int), Field("text", str)),
    "message.delete": (Field("id", int),),
    "received": (_ID, Field("seq", int)),
    "read": (_ID, Field("seq", int)),
    "ping": (Field("id", (str, int), required=False),),
}


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
        value = content[field.name]
        # bool is an int in Python; an id or a sequence number is never true/false.
        wrong_bool = isinstance(value, bool) and field.kind in (int, (str, int))
        if wrong_bool or not isinstance(value, field.kind):
            raise ClientError("invalid_field", f"'{field.name}' has the wrong type")
        if field.kind is int and value < 0:
            raise ClientError("invalid_field", f"'{field.name}' must not be negative")
        values[field.name] = value
    return frame_type, values
