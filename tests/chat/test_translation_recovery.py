"""Recovery from a provider outage: an unavailable translation is retried until it arrives or
gets too old, a breaker that refuses defers a retry without spending it, a provider back from
an outage has everything it left queued again (most recent first, at a bounded rate), and a
text no provider can translate is never tried again. Translations made for a reader are
charged to that reader."""

import itertools
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from chat.models import Message, MessageTranslation, Participant
from chat.services import translations
from chat.services.profiles import check_bio_read, profile_bio_update
from chat.services.translations import (
    message_translations_retry,
    participant_backfill,
    translation_retry_schedule,
    translations_recover,
    translations_recovery_start,
    translations_retry_sweep,
)
from tests.support.llm_server import Fault
from tests.support.responders import translation_calls
from translation.breaker import CircuitBreaker, State
from translation.models import ProviderCall
from translation.services import UNAVAILABLE, UNTRANSLATABLE, Translation

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDERS = ("anthropic", "openai")
_client_ids = itertools.count(1)


@dataclass
class Job:
    name: str
    countdown: float
    kwargs: dict


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def queued(monkeypatch) -> list[Job]:
    """The jobs the translation services hand over, kept here instead of run."""
    jobs: list[Job] = []

    def enqueue(name: str, *, countdown: float = 0, **kwargs) -> None:
        jobs.append(Job(name, countdown, kwargs))

    monkeypatch.setattr(translations, "enqueue", enqueue)
    return jobs


def retries(jobs: list[Job]) -> list[Job]:
    return [job for job in jobs if job.name == "chat.retry_translations"]


@pytest.fixture
def pair(make_user, make_conversation):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno", country="ES")
    return alice, bruno, make_conversation(alice, bruno, translate_for=[bruno])


@pytest.fixture
def unavailable(pair):
    """A message of alice's delivered to bruno with its Spanish translation unavailable."""
    alice, _, conversation = pair
    seqs = itertools.count(1)

    def make(text: str = "Good morning", *, age: float = 0, reason: str = "unavailable"):
        delivered = timezone.now() - timedelta(seconds=age)
        message = Message.objects.create(
            conversation=conversation,
            sender=alice,
            client_id=str(next(_client_ids)),
            text=text,
            source_language="en",
            status=Message.Status.DELIVERED,
            seq=next(seqs),
            finalized_at=delivered,
        )
        MessageTranslation.objects.create(
            message=message, language="es", status=UNAVAILABLE, reason=reason
        )
        return message

    return make


def translation_of(message: Message) -> MessageTranslation:
    return MessageTranslation.objects.get(message=message, language="es")


def open_breakers(settings) -> None:
    for name in PROVIDERS:
        breaker = CircuitBreaker(name)
        for _ in range(settings.TRANSLATION_BREAKER_THRESHOLD):
            breaker.record_failure()


# --- a refusing breaker defers ----------------------------------------------------------------


def test_a_retry_every_half_open_breaker_refuses_waits_a_cool_down_and_spends_no_attempt(
    llm, settings, unavailable, queued
):
    message = unavailable()
    open_breakers(settings)
    time.sleep(settings.TRANSLATION_BREAKER_COOLDOWN + 0.05)
    # Half-open, and other retries hold both probes.
    assert all(CircuitBreaker(name).allow() for name in PROVIDERS)

    assert message_translations_retry(message_id=message.pk, attempt=3) == 0

    assert llm.call_count() == 0
    [deferred] = retries(queued)
    assert deferred.kwargs["message_id"] == message.pk
    assert deferred.kwargs["attempt"] == 3 and deferred.kwargs["deferred"] == 1
    cooldown = settings.TRANSLATION_BREAKER_COOLDOWN
    assert cooldown <= deferred.countdown <= cooldown * 1.1
    assert translation_of(message).status == UNAVAILABLE


def test_an_open_breaker_defers_the_retry_to_the_end_of_its_cool_down(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_BREAKER_COOLDOWN = 30
    message = unavailable()
    open_breakers(settings)

    message_translations_retry(message_id=message.pk, attempt=0)

    [deferred] = retries(queued)
    assert deferred.kwargs["attempt"] == 0
    assert 28 <= deferred.countdown <= 33
    assert llm.call_count() == 0


def test_waits_for_a_breaker_grow_to_the_last_retry_delay_but_never_past_it(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_BREAKER_COOLDOWN = 30
    settings.TRANSLATION_RETRY_DELAYS = [10, 60, 600]
    message = unavailable()
    open_breakers(settings)

    for deferred in range(8):
        message_translations_retry(message_id=message.pk, attempt=1, deferred=deferred)

    waits = [job.countdown for job in retries(queued)]
    assert all(later >= earlier * 0.9 for earlier, later in itertools.pairwise(waits))
    assert max(waits) <= 600 * 1.1
    assert waits[-1] >= 600
    assert {job.kwargs["attempt"] for job in retries(queued)} == {1}


def test_a_deferred_retry_gets_the_translation_once_a_breaker_lets_it_through(
    llm, settings, unavailable, queued
):
    message = unavailable()
    open_breakers(settings)
    message_translations_retry(message_id=message.pk, attempt=2)
    [deferred] = retries(queued)
    time.sleep(settings.TRANSLATION_BREAKER_COOLDOWN + 0.05)  # half-open: this one probes

    assert message_translations_retry(**deferred.kwargs) == 1

    row = translation_of(message)
    assert row.status == "done" and row.text.lower().startswith("buenos días")
    assert CircuitBreaker("anthropic").state() is State.CLOSED


def test_an_attempt_that_reaches_a_failing_provider_counts_and_the_last_delay_repeats(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_RETRY_DELAYS = [1, 5, 20]
    llm.set_down("anthropic", Fault("status", status=503))
    llm.set_down("openai", Fault("drop"))
    message = unavailable()

    message_translations_retry(message_id=message.pk, attempt=7)

    [retry] = retries(queued)
    assert retry.kwargs["attempt"] == 8 and retry.kwargs["deferred"] == 0
    assert 20 <= retry.countdown <= 22
    assert len(translation_calls(llm)) > 0


# --- maximum age ------------------------------------------------------------------------------


def test_a_translation_older_than_the_maximum_age_expires_instead_of_being_retried(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_RETRY_MAX_AGE = 3600
    message = unavailable(age=3601)

    assert message_translations_retry(message_id=message.pk, attempt=4) == 0

    row = translation_of(message)
    assert (row.status, row.reason) == ("unavailable", "expired")
    assert llm.call_count() == 0 and queued == []


def test_the_sweep_expires_old_translations_and_leaves_them_alone(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_RETRY_MAX_AGE = 3600
    old, recent = unavailable("Good night", age=4000), unavailable("Good morning", age=10)

    assert translations_retry_sweep() == 1

    assert translation_of(old).reason == "expired"
    assert translation_of(recent).reason == "unavailable"
    assert [job.kwargs["message_id"] for job in retries(queued)] == [recent.pk]
    assert llm.call_count() == 0


# --- recovery when a breaker closes -----------------------------------------------------------


def test_a_breaker_that_closes_queues_every_unavailable_translation_most_recent_first_at_the_rate(
    llm, settings, unavailable, queued
):
    settings.TRANSLATION_RECOVERY_RATE = 0.5  # a page is 10 s: five messages, 2 s apart
    messages = [unavailable(f"Good morning {n}") for n in range(7)]
    unavailable("Good night", age=10, reason="expired")  # given up on: not queued
    open_breakers(settings)

    CircuitBreaker("anthropic").record_success()
    CircuitBreaker("anthropic").record_success()  # closed already: nothing more

    [start] = queued
    assert start.name == "chat.recover_translations"
    queued.clear()
    assert translations_recover(**start.kwargs) == 5
    newest_first = [m.pk for m in reversed(messages)]
    assert [job.kwargs["message_id"] for job in retries(queued)] == newest_first[:5]
    assert [job.countdown for job in retries(queued)] == [0, 2, 4, 6, 8]
    [page] = [job for job in queued if job.name == "chat.recover_translations"]
    assert page.countdown == 10 and page.kwargs["before_id"] == newest_first[4]

    queued.clear()
    assert translations_recover(**page.kwargs) == 2
    assert [job.kwargs["message_id"] for job in retries(queued)] == newest_first[5:]
    assert [job.countdown for job in retries(queued)] == [0, 2]
    assert not [job for job in queued if job.name == "chat.recover_translations"]


def test_a_provider_answering_again_starts_the_recovery(llm, settings, unavailable, queued):
    unavailable()
    llm.set_down("anthropic", Fault("status", status=503))
    llm.set_down("openai", Fault("drop"))
    for _ in range(settings.TRANSLATION_BREAKER_THRESHOLD):  # the outage opens both breakers
        message_translations_retry(message_id=unavailable("See you tomorrow").pk, attempt=0)
    llm.set_down("anthropic", None)
    llm.set_down("openai", None)
    queued.clear()
    time.sleep(settings.TRANSLATION_BREAKER_COOLDOWN + 0.05)

    message = unavailable("Thank you very much")
    message_translations_retry(message_id=message.pk, attempt=0)  # the probe

    assert translation_of(message).status == "done"
    assert [job.name for job in queued] == ["chat.recover_translations"]


def test_a_recovery_that_starts_over_stops_the_one_under_way(settings, unavailable, queued):
    for n in range(3):
        unavailable(f"Good morning {n}")
    translations_recovery_start(provider="anthropic")
    translations_recovery_start(provider="openai")
    first, second = queued
    queued.clear()

    assert translations_recover(**first.kwargs) == 0
    assert translations_recover(**second.kwargs) == 3


def test_a_retry_superseded_by_a_later_one_does_nothing(llm, unavailable, queued):
    message = unavailable()
    translation_retry_schedule(message.pk, attempt=3)
    translation_retry_schedule(message.pk, attempt=0)  # e.g. a recovery queued it again
    superseded, current = retries(queued)

    assert message_translations_retry(**superseded.kwargs) == 0
    assert llm.call_count() == 0
    assert message_translations_retry(**current.kwargs) == 1


# --- the sweep --------------------------------------------------------------------------------


def test_the_sweep_queues_again_only_the_retries_that_were_lost(settings, unavailable, queued):
    settings.PIPELINE_STALE_SECONDS = 60
    lost, overdue, waiting = unavailable("a"), unavailable("b"), unavailable("c")
    translation_retry_schedule(waiting.pk, attempt=2)
    translation_retry_schedule(overdue.pk, attempt=4, countdown=0)
    cache.set(
        f"translation-retry:{overdue.pk}",
        cache.get(f"translation-retry:{overdue.pk}") | {"due": time.time() - 61},
    )
    queued.clear()

    assert translations_retry_sweep() == 2

    again = retries(queued)
    assert [job.kwargs["message_id"] for job in again] == [overdue.pk, lost.pk]
    assert [job.kwargs["attempt"] for job in again] == [4, 0]


def test_the_sweep_lets_the_most_recent_message_probe_breakers_past_their_cool_down(
    llm, settings, unavailable, queued
):
    older, newest = unavailable("Good morning"), unavailable("Good night")
    translation_retry_schedule(older.pk, attempt=6)
    translation_retry_schedule(newest.pk, attempt=6)
    open_breakers(settings)
    queued.clear()

    translations_retry_sweep()
    assert queued == []  # open: nothing to probe yet

    time.sleep(settings.TRANSLATION_BREAKER_COOLDOWN + 0.05)
    translations_retry_sweep()
    [probe] = retries(queued)
    assert probe.kwargs["message_id"] == newest.pk and probe.countdown == 0
    assert probe.kwargs["attempt"] == 6


# --- untranslatable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "result",
    [
        # What translation_into makes of the engine's TranslationUnavailable("untranslatable").
        Translation("es", UNAVAILABLE, reason="untranslatable", retryable=False),
        Translation("es", UNTRANSLATABLE, reason="untranslatable"),
        # A provider refused the text itself: no retry helps either.
        Translation("es", UNAVAILABLE, reason="bad_request", retryable=False),
    ],
)
def test_an_untranslatable_text_is_stored_so_and_never_retried(
    unavailable, queued, monkeypatch, result
):
    calls = []
    monkeypatch.setattr(
        translations, "translation_into", lambda **kwargs: calls.append(kwargs) or result
    )
    message = unavailable()

    message_translations_retry(message_id=message.pk, attempt=0)
    message_translations_retry(message_id=message.pk, attempt=1)
    translations_retry_sweep()

    row = translation_of(message)
    assert (row.status, row.reason) == ("untranslatable", result.reason)
    assert len(calls) == 1
    assert retries(queued) == []


def test_a_translation_delivered_unavailable_as_untranslatable_is_not_retried(
    settings, unavailable, queued
):
    message = unavailable(reason="untranslatable")

    assert translations_retry_sweep() == 0
    message_translations_retry(message_id=message.pk, attempt=0)

    assert retries(queued) == []
    assert translation_of(message).reason == "untranslatable"


# --- accounting -------------------------------------------------------------------------------


def test_backfill_is_charged_to_the_reader_who_turned_translation_on(
    llm, make_user, make_conversation
):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno")
    conversation = make_conversation(alice, bruno)
    for n, text in enumerate(["Good morning", "Good night"], start=1):
        Message.objects.create(
            conversation=conversation, sender=alice, client_id=str(n), text=text,
            source_language="en", status=Message.Status.DELIVERED, seq=n,
            finalized_at=timezone.now(),
        )  # fmt: skip
    reader = Participant.objects.get(conversation=conversation, user=bruno)
    Participant.objects.filter(pk=reader.pk).update(translate=True)

    assert participant_backfill(participant_id=reader.pk) == 2

    calls = ProviderCall.objects.all()
    assert calls.count() == 2
    assert {(call.user_id, call.purpose) for call in calls} == {(bruno.pk, "backfill")}


def test_a_backfill_during_an_outage_keeps_the_translation_unavailable_and_retries_it(
    llm, make_user, make_conversation, queued
):
    alice = make_user(language="en", username="alice")
    bruno = make_user(language="es", username="bruno")
    conversation = make_conversation(alice, bruno)
    message = Message.objects.create(
        conversation=conversation, sender=alice, client_id="1", text="Good morning",
        source_language="en", status=Message.Status.DELIVERED, seq=1, finalized_at=timezone.now(),
    )  # fmt: skip
    reader = Participant.objects.get(conversation=conversation, user=bruno)
    Participant.objects.filter(pk=reader.pk).update(translate=True)
    llm.set_down("anthropic", Fault("status", status=503))
    llm.set_down("openai", Fault("drop"))

    assert participant_backfill(participant_id=reader.pk) == 0

    assert translation_of(message).status == UNAVAILABLE
    [retry] = retries(queued)
    assert retry.kwargs["message_id"] == message.pk and retry.kwargs["attempt"] == 0


def test_a_bio_translation_is_charged_to_the_reader_who_asked_for_it(llm, pair):
    alice, bruno, _ = pair
    profile_bio_update(user=alice, bio="Good morning, I love this song")

    bio = check_bio_read(viewer=bruno, user_id=alice.pk, language="es")

    assert bio["translation"]["status"] == "done"
    call = ProviderCall.objects.get()
    assert (call.user_id, call.purpose) == (bruno.pk, "bio")
