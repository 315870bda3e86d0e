"""Metrics in the scale-out mode: what a Celery worker and two ASGI processes count adds up in
one scrape of either server (prometheus_client's multiprocess mode over a shared directory)."""

import asyncio
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.processes import process_group
from tests.integration.test_scale_out import WALLET, connect
from tests.integration.test_translation_scale_out import llm_env
from tests.support.llm_server import FakeLLMServer
from tests.support.responders import jittery_translator

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TOKEN = "metrics-test-token"


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from the server's /metrics."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_one_scrape_adds_up_every_process(services_url, tmp_path, make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    conversation = make_conversation(alice, bruno, translate_for=[bruno]).pk
    shared = tmp_path / "prometheus"
    shared.mkdir()
    with (
        FakeLLMServer(responder=jittery_translator) as llm,
        process_group(
            tmp_path,
            llm_env(services_url, llm, PROMETHEUS_MULTIPROC_DIR=str(shared), METRICS_TOKEN=TOKEN),
        ) as group,
    ):
        port_a, port_b = group.asgi("asgi-1"), group.asgi("asgi-2")
        group.worker("worker-1")

        async def scenario() -> dict:
            a, b = await connect(port_a, "alice"), await connect(port_b, "bruno")
            await a.subscribe(conversation)
            await b.subscribe(conversation)
            await a.send(
                type="message.send",
                conversation=conversation,
                client_id="1",
                text="Good morning, how are you today?",
            )
            await a.receive("message.accepted")
            await b.receive("message.new")
            await a.receive("message.new")
            await a.send(
                type="message.send", conversation=conversation, client_id="2",
                text=f"pay me at {WALLET}",
            )  # fmt: skip
            await a.receive("message.accepted")
            await a.receive("message.blocked")
            # Read on the server that accepted neither message, with both sockets open.
            samples = await asyncio.to_thread(scrape, port_b)
            await a.socket.close()
            await b.socket.close()
            return samples

        try:
            samples = asyncio.run(scenario())
        except BaseException:
            for name in ("asgi-1", "asgi-2", "worker-1"):
                print(f"--- {name}\n{group.log(name)}")
            raise

    def value(name: str, **labels: str) -> float:
        return samples.get((name, tuple(sorted(labels.items()))), 0.0)

    # Counted by asgi-1 (frames), by both servers (sockets), by the worker (everything else).
    assert value("xlate_frames_in_total", type="message.send") == 2
    assert value("xlate_frames_in_total", type="subscribe") == 2
    assert value("xlate_open_sockets") == 2
    assert value("xlate_messages_total", state="delivered") == 1
    assert value("xlate_messages_total", state="blocked") == 1
    assert value("xlate_pipeline_stage_seconds_count", stage="safety") >= 2
    assert value("xlate_pipeline_stage_seconds_count", stage="finalize") >= 2
    assert value("xlate_verdicts_total", action="block", reason="crypto_wallet") == 1
    assert value("xlate_translation_cache_lookups_total", result="miss") >= 1
    calls = [v for (name, _), v in samples.items() if name == "xlate_provider_calls_total"]
    assert sum(calls) >= 1
    assert value("xlate_provider_spend_usd_total", provider="anthropic") > 0
