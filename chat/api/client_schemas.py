"""Request and response bodies of the client API (docs/client-api.md). As in the server API's
schemas, every rule of shape the services enforce is stated here, so a request the schema allows
is never refused for its form."""

from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, model_validator

from chat.api.schemas import Text, _no_control, _supported_languages
from chat.services.profiles import BIO_MAX_CHARS, DISPLAY_NAME_MAX_CHARS
from moderation.models import Report

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# Times are ISO 8601 strings, written exactly as the socket's frames write them.
Time = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
# What Python's str.strip() removes, spelled out: JSON Schema's \s is another set.
_SPACE = (
    "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)


def _supported_or_null(schema: dict) -> None:
    """Read when the schema is built: SUPPORTED_LANGUAGES is a setting. Null leaves it as it is."""
    schema["enum"] = [*settings.SUPPORTED_LANGUAGES, None]


def _supported_blank_or_null(schema: dict) -> None:
    schema["enum"] = ["", *settings.SUPPORTED_LANGUAGES, None]


def _message_text(schema: dict) -> None:
    """Read when the schema is built: CHAT_MAX_MESSAGE_CHARS is a setting. Something other
    than white space, and no NUL (PostgreSQL cannot store it)."""
    schema["maxLength"] = settings.CHAT_MAX_MESSAGE_CHARS
    schema["pattern"] = f"^[^\\x00]*[^\\x00{_SPACE}][^\\x00]*$"


class BodyIn(Schema):
    """A request body: a JSON object. (ninja's Schema reads attributes off any value, wrapped in
    a DjangoGetter, so without this a body of `5` would pass as an object with no fields.)"""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: object) -> object:
        if not isinstance(value._obj if isinstance(value, DjangoGetter) else value, dict):
            raise ValueError("the body is a JSON object")
        return value


# --- me ------------------------------------------------------------------------------------


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    language: str = Field(description="the reading language: what translations are made into")
    interface_language: str = Field(description="the web client's language; blank: `language`")
    country: str
    bio: str
    bio_version: int
    avatar_url: str


class MeIn(BodyIn):
    language: str | None = Field(
        None, description="one of SUPPORTED_LANGUAGES", json_schema_extra=_supported_or_null
    )
    interface_language: str | None = Field(
        None,
        description="one of SUPPORTED_LANGUAGES, or blank to follow `language`",
        json_schema_extra=_supported_blank_or_null,
    )
    display_name: Text | None = Field(None, max_length=DISPLAY_NAME_MAX_CHARS)


class BioIn(BodyIn):
    bio: Text = Field(max_length=BIO_MAX_CHARS)


# --- people --------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    username: str
    display_name: str
    avatar_url: str
    language: str
    online: bool
    last_seen: str | None = Field(
        description="when the last socket closed; null while online or never seen",
        json_schema_extra={"format": "date-time"},
    )


class TranslationOut(Schema):
    language: str
    status: str = Field(description="done, unavailable or skipped")
    reason: str
    text: str
    provider: str
    model: str
    demo: bool = Field(description="the offline development provider: not a real translation")


class BioQuery(Schema):
    lang: str | None = Field(
        None,
        description="one of SUPPORTED_LANGUAGES; default: my reading language",
        json_schema_extra=_supported_languages,
    )


class BioOut(Schema):
    user: MemberOut
    bio: str
    bio_version: int
    source_language: str
    translation: TranslationOut | None


class UserRef(BodyIn):
    user: Id


class BlockCreated(Schema):
    user: int
    created_at: Time


class BlockOut(Schema):
    user: MemberOut
    created_at: Time


# --- conversations and messages ------------------------------------------------------------


class SenderOut(Schema):
    id: int
    username: str


class MessageOut(Schema):
    id: int
    conversation: int
    seq: int | None = Field(description="null for the sender's own messages without a number")
    client_id: str
    sender: SenderOut
    text: str
    source_language: str
    status: str = Field(
        description="delivered; rejected (a stub: a number a moderator took back); and, for "
        "the sender alone, pending, ready, held, blocked or rejected"
    )
    reason: str = Field(description="why one of the sender's own messages was held or blocked")
    created_at: Time
    edited_at: str | None = Field(json_schema_extra={"format": "date-time"})
    deleted: bool
    translation: TranslationOut | None


class MemberReceiptsOut(MemberOut):
    delivered_seq: int
    read_seq: int


class ConversationOut(Schema):
    id: int
    kind: str
    title: str
    closed: bool
    closed_reason: str = Field(description='"unmatched", "blocked" or ""')
    last_seq: int
    read_seq: int = Field(description="mine")
    unread: int
    translate: bool
    language: str
    last_message: MessageOut | None
    members: list[MemberReceiptsOut] = Field(description="the members other than me")


class ConversationSettingsIn(BodyIn):
    translate: bool
    language: str | None = Field(
        None,
        description="one of SUPPORTED_LANGUAGES; without it, unchanged",
        json_schema_extra=_supported_or_null,
    )


class HistoryOut(Schema):
    messages: list[MessageOut]
    more: bool = Field(description="an older page exists")


class ReadIn(BodyIn):
    seq: int = Field(ge=0, le=2**63 - 1)


class ReadOut(Schema):
    read_seq: int


class MessageEditIn(BodyIn):
    text: Annotated[str, AfterValidator(_no_control), Field(json_schema_extra=_message_text)]


class EditAccepted(Schema):
    id: int
    edit: int
    status: Literal["pending"]


class ReportIn(BodyIn):
    conversation: Id
    message: Id | None = None
    user: Id | None = None
    reason: Literal[tuple(Report.Reason.values)]
    comment: Text = Field("", max_length=2000)


class ReportCreated(Schema):
    id: int
    case: int


class AppealIn(BodyIn):
    message: Id
    comment: Text = Field("", max_length=2000)


class AppealAccepted(Schema):
    message: int
