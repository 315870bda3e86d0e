"""The API fuzzed against a live server (schemathesis): for requests its OpenAPI schema allows
and for requests it forbids, never a server error, and every answer as the schema says. The
server API is called with an API key, the client API as a user who has a conversation."""

import os

import pytest
import schemathesis
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from chat.models import ApiKey, Conversation, Message, MessageTranslation, Profile
from chat.services.api_keys import api_key_create
from chat.services.conversations import conversation_start
from chat.tokens import socket_token_issue
from tests.integration.processes import process_group, service_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The same cases every run, so CI is repeatable; XLATE_FUZZ_RANDOM=1 explores new ones.
EXAMPLES = 60
DERANDOMIZE = not os.environ.get("XLATE_FUZZ_RANDOM")


# The directory on, so the client API's every path can be reached; tokens that outlive the run.
SERVER_ENV = {"CHAT_DIRECTORY": "1", "SOCKET_TOKEN_MAX_AGE": "86400"}


@pytest.fixture
def live(services_url, tmp_path):
    with process_group(tmp_path, service_env(services_url, **SERVER_ENV)) as group:
        yield group, f"http://127.0.0.1:{group.asgi('asgi-1')}"


def _user_token(make_user) -> str:
    """A token, signed as the server signs, for a user with a conversation and a message in it
    (and a translation, a partner online or not, a bio), so the client API answers with data."""
    me, partner = make_user(language="es"), make_user(language="en")
    Profile.objects.filter(user=partner).update(bio="Hello there")
    conversation = conversation_start(users=[me, partner])
    Conversation.objects.filter(pk=conversation.pk).update(last_seq=1)
    message = Message.objects.create(
        conversation=conversation, sender=partner, client_id="f1", text="Hello", seq=1,
        source_language="en", status=Message.Status.DELIVERED,
    )  # fmt: skip
    MessageTranslation.objects.create(message=message, language="es", text="Hola")
    with override_settings(SECRET_KEY=service_env("")["SECRET_KEY"]):
        return socket_token_issue(user=me)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_says(live, mode, make_user):
    group, base_url = live
    _, key = api_key_create(name="fuzz", scopes=ApiKey.Scope.values)
    token = _user_token(make_user)
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    assert sum("client" in (operation.tags or ()) for operation in operations) >= 18

    for operation in operations:
        credential = token if "client" in (operation.tags or ()) else key
        try:
            _fuzz(operation, mode, base_url, {"Authorization": f"Bearer {credential}"})
        except BaseException:
            print(f"--- {operation.label}\n{group.log('asgi-1')}")
            raise
    assert "Traceback" not in group.log("asgi-1")


def _fuzz(operation, mode: GenerationMode, base_url: str, headers: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def answers_by_the_schema(case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, timeout=10)

    answers_by_the_schema()
