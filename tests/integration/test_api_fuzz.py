"""The API fuzzed against a live server (schemathesis): for requests its OpenAPI schema allows
and for requests it forbids, never a server error, and every answer as the schema says."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from chat.models import ApiKey
from chat.services.api_keys import api_key_create
from tests.integration.processes import process_group, service_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The same cases every run, so CI is repeatable; XLATE_FUZZ_RANDOM=1 explores new ones.
EXAMPLES = 60
DERANDOMIZE = not os.environ.get("XLATE_FUZZ_RANDOM")


@pytest.fixture
def live(services_url, tmp_path):
    with process_group(tmp_path, service_env(services_url)) as group:
        yield group, f"http://127.0.0.1:{group.asgi('asgi-1')}"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_its_schema_says(live, mode):
    group, base_url = live
    _, key = api_key_create(name="fuzz", scopes=ApiKey.Scope.values)
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema")
    headers = {"Authorization": f"Bearer {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:

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

        try:
            answers_by_the_schema()
        except BaseException:
            print(f"--- {operation.label}\n{group.log('asgi-1')}")
            raise
    assert "Traceback" not in group.log("asgi-1")
