"""/metrics: who may read it, that what happens is counted, and that several processes add
up (prometheus_client's multiprocess mode)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from chat.models import Message
from chat.services.submission import check_message_submit
from xlate_site import metrics

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def scrape(client: Client | None = None, **headers) -> dict[tuple[str, tuple], float]:
    response = (client or Client()).get(reverse("metrics"), **headers)
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_served_to_the_local_network_only(settings):
    assert Client().get(reverse("metrics")).status_code == 200  # the test client is 127.0.0.1
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get(reverse("metrics")).status_code == 404
    settings.METRICS_ALLOWED_NETWORKS = ["203.0.113.0/24"]
    assert outsider.get(reverse("metrics")).status_code == 200


def test_with_a_token_only_the_token_reads_them(settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert Client().get(reverse("metrics")).status_code == 404
    wrong = Client().get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer s3cret-token")


def test_a_message_is_counted_through_the_pipeline(make_user, make_conversation):
    ana, bea = make_user(language="en"), make_user(language="es")
    conversation = make_conversation(ana, bea, translate_for=[bea])
    before = scrape()

    check_message_submit(user=ana, conversation_id=conversation.pk, client_id="m1", text="hello")
    check_message_submit(
        user=ana, conversation_id=conversation.pk, client_id="m2", text="send me $50 on venmo now"
    )
    after = scrape()

    assert Message.objects.filter(status=Message.Status.DELIVERED).count() == 1
    delta = {
        state: value(after, "xlate_messages_total", state=state)
        - value(before, "xlate_messages_total", state=state)
        for state in ("delivered", "blocked")
    }
    assert delta == {"delivered": 1, "blocked": 1}
    for stage in ("safety", "translation", "finalize"):
        count = value(after, "xlate_pipeline_stage_seconds_count", stage=stage)
        assert count > value(before, "xlate_pipeline_stage_seconds_count", stage=stage), stage
    blocked = value(after, "xlate_verdicts_total", action="block", reason="payment_request")
    assert blocked >= 1
    assert value(after, "xlate_pipeline_pending_messages") == 0


def test_the_pending_queue_and_its_oldest_message_are_read_when_scraped(
    make_user, make_conversation
):
    ana, bea = make_user(), make_user()
    conversation = make_conversation(ana, bea)
    Message.objects.create(
        conversation=conversation, sender=ana, client_id="stuck", text="hi",
        status=Message.Status.PENDING,
    )  # fmt: skip
    samples = scrape()
    assert value(samples, "xlate_pipeline_pending_messages") == 1
    assert value(samples, "xlate_pipeline_oldest_pending_seconds") >= 0


def test_counters_of_several_processes_add_up(tmp_path):
    """Two processes count into PROMETHEUS_MULTIPROC_DIR; a third reads the sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from xlate_site import metrics\nmetrics.MESSAGES_FINAL.labels('delivered').inc(3)\n"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], cwd=ROOT, env=env, check=True)
    read = (
        "from prometheus_client import CollectorRegistry, generate_latest\n"
        "from prometheus_client.multiprocess import MultiProcessCollector\n"
        "registry = CollectorRegistry()\n"
        "MultiProcessCollector(registry)\n"
        "print(generate_latest(registry).decode())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    assert 'xlate_messages_total{state="delivered"} 6.0' in out
    # A gauge of live processes only: both counting processes have exited.
    assert "xlate_open_sockets 4.0" not in out


def test_the_grafana_dashboard_only_charts_metrics_that_exist():
    """Every metric name in docs/grafana-dashboard.json is one this code defines."""
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"xlate_[a-z_]+", target["expr"])
    }
    defined = {"xlate_pipeline_pending_messages", "xlate_pipeline_oldest_pending_seconds"}
    defined.add("xlate_provider_breaker_state")
    for name in metrics.__all__:
        metric = getattr(metrics, name, None)
        if hasattr(metric, "_name"):
            base = metric._name
            defined |= {base, f"{base}_total", f"{base}_bucket", f"{base}_count", f"{base}_sum"}
    assert used and used <= defined, used - defined
