import pytest

from chat.errors import ClientError
from chat.protocol import parse_frame


def test_a_valid_frame_yields_its_type_and_known_fields_only():
    frame_type, fields = parse_frame(
        {"type": "subscribe", "conversation": 3, "since": 0, "extra": "ignored"}
    )
    assert frame_type == "subscribe"
    assert fields == {"conversation": 3, "since": 0}


def test_optional_fields_may_be_left_out_or_null_where_allowed():
    assert parse_frame({"type": "subscribe", "conversation": 3}) == (
        "subscribe",
        {"conversation": 3},
    )
    assert parse_frame(
        {"type": "translation.set", "conversation": 1, "enabled": False, "language": None}
    )[1] == {"conversation": 1, "enabled": False, "language": None}


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("text", "invalid_frame"),
        ({"type": 5}, "invalid_frame"),
        ({"type": "nope"}, "unknown_type"),
        ({"type": "typing"}, "invalid_field"),
        ({"type": "typing", "conversation": 1.5}, "invalid_field"),
        ({"type": "typing", "conversation": False}, "invalid_field"),
        ({"type": "typing", "conversation": -2}, "invalid_field"),
        ({"type": "translation.set", "conversation": 1, "enabled": "yes"}, "invalid_field"),
        ({"type": "ping", "id": True}, "invalid_field"),
    ],
)
def test_bad_frames_raise_a_client_error_with_a_stable_code(content, code):
    with pytest.raises(ClientError) as error:
        parse_frame(content)
    assert error.value.code == code
