"""Request and response bodies of the API, as Pydantic models (the OpenAPI schema is made from
them)."""

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import AfterValidator, field_validator

from chat.models import WebhookEndpoint
from chat.services.hosts import EXTERNAL_ID
from chat.urls_check import HTTP_URL, MAX_URL

# The schema states every rule of shape the services enforce, so a request it allows is never
# refused for its form (the API fuzzer holds it to that); the services check them again.

# No NUL: PostgreSQL cannot store it. (Unpaired surrogates are refused too, by _no_control,
# but a pattern naming them does not compile in every regex engine, so the schema omits them.)
_TEXT_PATTERN = "^[^\\x00]*$"
_ID_PATTERN = f"^{EXTERNAL_ID.pattern}$"


def _no_control(value: str) -> str:
    if "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError("text must not contain NUL or unpaired surrogate characters")
    return value


def _text_only(schema: dict) -> None:
    schema.setdefault("pattern", _TEXT_PATTERN)


def _supported_languages(schema: dict) -> None:
    """Read when the schema is built: SUPPORTED_LANGUAGES is a setting."""
    schema["enum"] = list(settings.SUPPORTED_LANGUAGES)


Text = Annotated[str, AfterValidator(_no_control), Field(json_schema_extra=_text_only)]


class Error(Schema):
    """Every error: a stable code for programs, a sentence for people."""

    error: str = Field(examples=["not_found"])
    detail: str = Field(examples=["no user with that external_id"])


class UserIn(Schema):
    display_name: Text = Field("", max_length=150)
    language: str = Field(
        description="ISO 639-1, one of SUPPORTED_LANGUAGES",
        examples=["es"],
        json_schema_extra=_supported_languages,
    )
    country: str = Field("", pattern="^([A-Z]{2})?$", description="ISO 3166-1 alpha-2, or empty")
    bio: Text = Field("", max_length=2000)
    avatar_url: str = Field("", max_length=MAX_URL, pattern=f"^$|{HTTP_URL}")


class UserOut(Schema):
    external_id: str
    id: int = Field(description="xlate's id of the user (the `sender.id` of messages)")
    display_name: str
    language: str
    country: str
    bio: str
    avatar_url: str
    active: bool


class TokenOut(Schema):
    token: str
    expires_in: int = Field(description="seconds")
    socket_url: str = Field(description="path of the chat socket")
    subprotocols: list[str] = Field(description="what to offer when opening the socket")


ExternalId = Annotated[str, Field(pattern=_ID_PATTERN, description="the host's id")]


class MatchIn(Schema):
    match_id: ExternalId
    users: list[ExternalId] = Field(
        min_length=2,
        max_length=2,
        json_schema_extra={"uniqueItems": True},
        description="the external_ids of the two users",
    )
    translate: bool = Field(False, description="opt both members in to translation")


class MatchOut(Schema):
    match_id: str
    conversation: int = Field(description="xlate's conversation id (socket frames use it)")
    users: list[str]
    closed: bool
    closed_at: datetime | None
    created_at: datetime


EventType = Literal[tuple(WebhookEndpoint.Event.values)]


class WebhookIn(Schema):
    url: str = Field(max_length=MAX_URL, pattern=HTTP_URL)
    events: list[EventType] = Field(min_length=1, json_schema_extra={"uniqueItems": True})

    @field_validator("events")
    @classmethod
    def _each_once(cls, events: list[str]) -> list[str]:
        if len(set(events)) != len(events):
            raise ValueError("each event type once")
        return events


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="signs every event; shown only now (docs/integration.md)")
