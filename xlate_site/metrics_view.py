"""``/metrics``: the Prometheus scrape endpoint, for a token or an allowed network only.

METRICS_TOKEN, when set, is required as ``Authorization: Bearer <token>``; otherwise the
client address must be in METRICS_ALLOWED_NETWORKS (loopback by default). Anyone else gets
404, as if there were nothing here.
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from chat.models import Message
from translation.breaker import CircuitBreaker, State
from translation.providers import get_chain

_BREAKER_VALUES = {State.CLOSED: 0, State.HALF_OPEN: 1, State.OPEN: 2}


class StateCollector(Collector):
    """What is true now, read at scrape time: the pending queue and the breakers."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = Message.objects.filter(
            status__in=(Message.Status.PENDING, Message.Status.READY)
        ).aggregate(oldest=Min("created_at"), count=Count("pk"))
        count = waiting["count"]
        depth = GaugeMetricFamily(
            "xlate_pipeline_pending_messages", "Accepted messages not yet in a final state."
        )
        depth.add_metric([], count)
        yield depth
        age = GaugeMetricFamily(
            "xlate_pipeline_oldest_pending_seconds",
            "Age of the oldest accepted message not yet in a final state (0 when none).",
        )
        oldest = waiting["oldest"]
        age.add_metric([], max(0.0, time.time() - oldest.timestamp()) if oldest else 0.0)
        yield age
        breakers = GaugeMetricFamily(
            "xlate_provider_breaker_state",
            "Circuit breaker of each provider: 0 closed, 1 half-open, 2 open.",
            labels=["provider"],
        )
        for provider in get_chain():
            if not provider.is_demo:
                state = CircuitBreaker(provider.name).state()
                breakers.add_metric([provider.name], _BREAKER_VALUES[state])
        yield breakers


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks())


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format: every process's counters (multiprocess mode when
    PROMETHEUS_MULTIPROC_DIR is set), and the state read now."""
    if not _allowed(request):
        raise Http404
    counted = REGISTRY  # this process's own
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        MultiProcessCollector(counted)
    now = CollectorRegistry()
    now.register(StateCollector())
    body = generate_latest(counted) + generate_latest(now)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
