"""Prometheus metrics: what an operator needs to see, counted where it happens.

Every process counts into prometheus_client's registry. With PROMETHEUS_MULTIPROC_DIR set
(the scale-out mode: several ASGI processes and Celery workers), each process writes its
samples to files in that directory and ``/metrics`` adds them up (prometheus_client's
multiprocess mode; the directory must be emptied when the deployment starts). Without it, the
one process of the embedded mode is read directly.

Figures that are a state rather than a count (the pending queue, its oldest message, each
provider's breaker) are read when ``/metrics`` is scraped (``StateCollector``), so they are
right whichever process answers.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "CACHE_LOOKUPS",
    "ERRORS",
    "FRAMES_IN",
    "FRAMES_OUT",
    "MESSAGES_FINAL",
    "OPEN_SOCKETS",
    "PROVIDER_CALLS",
    "PROVIDER_LATENCY",
    "SPEND",
    "STAGE_SECONDS",
    "VERDICTS",
    "stage",
]

# Chat sockets and frames.
OPEN_SOCKETS = Gauge("xlate_open_sockets", "Chat sockets open now.", multiprocess_mode="livesum")
FRAMES_IN = Counter("xlate_frames_in_total", "Frames received from clients, by type.", ["type"])
FRAMES_OUT = Counter("xlate_frames_out_total", "Frames sent to clients, by type.", ["type"])
ERRORS = Counter("xlate_client_errors_total", "Error frames sent to clients, by code.", ["code"])

# The path of a message.
MESSAGES_FINAL = Counter(
    "xlate_messages_total", "Accepted messages by the final state they reached.", ["state"]
)
STAGE_SECONDS = Histogram(
    "xlate_pipeline_stage_seconds",
    "Time in each stage of the pipeline (safety, translation, scoring, finalize, broadcast).",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
VERDICTS = Counter(
    "xlate_verdicts_total", "Safety verdicts, by action and reason.", ["action", "reason"]
)

# Translation.
CACHE_LOOKUPS = Counter(
    "xlate_translation_cache_lookups_total", "Translation cache lookups, by result.", ["result"]
)
PROVIDER_CALLS = Counter(
    "xlate_provider_calls_total",
    "Calls to translation providers, by provider, purpose and outcome ('ok' or the error).",
    ["provider", "purpose", "outcome"],
)
PROVIDER_LATENCY = Histogram(
    "xlate_provider_call_seconds",
    "Duration of provider calls, by provider.",
    ["provider"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32),
)
SPEND = Counter("xlate_provider_spend_usd_total", "USD spent on provider calls.", ["provider"])


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time a pipeline stage into STAGE_SECONDS."""
    started = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS.labels(name).observe(time.perf_counter() - started)
