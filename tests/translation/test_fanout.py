"""One call for every reader language, and what happens when that call goes wrong; quality
failures that leave the breakers alone; what failed calls cost."""

import json
from decimal import Decimal

import pytest

from tests.support.llm_server import Fault
from tests.support.responders import prompt_languages, translator
from translation.breaker import CircuitBreaker, State
from translation.engine import CallContext, TranslationUnavailable, translate
from translation.fanout import translate_many
from translation.models import CachedTranslation, ProviderCall
from translation.services import SKIPPED, translations_for

pytestmark = pytest.mark.django_db(transaction=True)

HELLO = "Good morning, how are you?"


def many(text=HELLO, targets=("es", "fr", "de"), **kwargs):
    return translate_many(text, source="en", targets=targets, **kwargs)


def test_every_reader_language_comes_from_one_call_and_each_is_cached(llm):
    first = many(context=CallContext(user_id=5, message_id=9))
    again = many()

    assert llm.call_count() == 1
    assert {t: r.text.split(",")[0].lower() for t, r in first.items()} == {
        "es": "buenos días",
        "fr": "bonjour",
        "de": "guten morgen",
    }
    assert all(r.from_cache for r in again.values())
    assert CachedTranslation.objects.count() == 3
    call = ProviderCall.objects.get()
    assert (call.user_id, call.message_id, call.ok) == (5, 9, True)
    assert sum(r.cost_usd for r in first.values()) == call.cost_usd


def test_the_cache_entries_are_shared_with_single_language_requests(llm):
    many()
    assert translate(HELLO, source="en", target="fr").from_cache
    assert llm.call_count() == 1


def test_only_the_languages_the_cache_lacks_are_asked_for(llm):
    translate(HELLO, source="en", target="es")
    many()
    _, targets, _ = prompt_languages(llm.calls[1])
    assert targets == ["fr", "de"]


def test_an_answer_that_is_not_json_falls_back_to_one_call_per_language(llm):
    llm.enqueue("anthropic", Fault("text", text="Buenos días, ¿cómo estás?"))
    results = many()
    assert all(not isinstance(r, TranslationUnavailable) for r in results.values())
    assert llm.call_count() == 1 + 3


def test_a_language_missing_or_bad_in_the_answer_is_asked_for_alone(llm):
    answer = {"es": "Buenos días, ¿cómo estás?", "fr": "Sure! Here is the translation: Bonjour"}
    llm.enqueue("anthropic", Fault("text", text=json.dumps(answer)))
    results = many()
    assert results["es"].text == "Buenos días, ¿cómo estás?"
    assert results["fr"].text.lower().startswith("bonjour") and "Sure" not in results["fr"].text
    assert not isinstance(results["de"], TranslationUnavailable)
    assert llm.call_count() == 1 + 2  # fr (bad) and de (missing) alone


def test_an_outage_of_the_one_call_leaves_each_language_to_the_engines_failover(llm):
    llm.enqueue("anthropic", Fault("status", status=503))
    results = many()
    assert all(r.provider in ("anthropic", "openai") for r in results.values())


def test_over_budget_the_cached_languages_are_still_served(llm):
    translate(HELLO, source="en", target="es")
    found = translations_for(text=HELLO, source="en", targets=["es", "fr"], within_budget=False)
    assert [(t.language, t.status, t.from_cache) for t in found] == [
        ("es", "done", True),
        ("fr", SKIPPED, False),
    ]
    assert llm.call_count() == 1


def test_output_that_always_fails_the_checks_is_untranslatable_and_opens_no_breaker(llm):
    bad = "Sure! Here is the translation: Buenos días"

    def model(request):
        _, _, text = prompt_languages(request)
        return bad if "morning" in text else translator(request)

    llm.responder = model
    for _ in range(4):
        with pytest.raises(TranslationUnavailable) as caught:
            translate(HELLO, source="en", target="es")
        assert caught.value.code == "untranslatable" and not caught.value.retryable
    assert CircuitBreaker("anthropic").state() is State.CLOSED
    assert CircuitBreaker("openai").state() is State.CLOSED
    # Other senders' messages still translate.
    assert translate("Thank you", source="en", target="es").text.lower().startswith("gracias")


def test_a_stream_cut_after_the_provider_accepted_the_request_is_billed(llm):
    llm.enqueue("anthropic", Fault("stream_cut", after_chunks=1))
    translate(HELLO, source="en", target="es")
    failed = ProviderCall.objects.filter(ok=False).get()
    assert failed.input_tokens > 0
    assert failed.cost_usd > Decimal(0)


def test_a_refused_answer_is_billed_too(llm):
    llm.enqueue("anthropic", Fault("text", text="Sure! Here is the translation: Hola"))
    translate(HELLO, source="en", target="es")
    refused = ProviderCall.objects.filter(ok=False).get()
    assert refused.error == "bad_output" and refused.input_tokens > 0
