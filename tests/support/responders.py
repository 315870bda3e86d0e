"""Fake-model answers for the local LLM server: read our prompt, answer like a translator.

`translator` reads the languages from the first line of the user turn ("es → en, de",
translation/prompts.py) and the text from the <message> fence, and answers with the offline
lexicon translation, so the output is in the target language for the words the lexicon knows
(tests use such sentences): plain text for one language, JSON keyed by language for several.
"""

import json
import random
import re
import threading
import time

from tests.support.llm_server import LLMRequest
from translation.offline import offline_translate

_LANGUAGES = re.compile(r"^(\w+) → ([\w, ]+)$", re.MULTILINE)
_FENCE = re.compile(r"<message>\n(.*)\n</message>", re.DOTALL)


def prompt_languages(request: LLMRequest) -> tuple[str, list[str], str]:
    """(source, targets, text) of a translation request made from our prompt."""
    found = _LANGUAGES.search(request.user)
    match = _FENCE.search(request.user)
    text = match.group(1) if match else request.user
    if found is None:
        return "", [], text
    return found.group(1), [t.strip() for t in found.group(2).split(",")], text


def prompt_parts(request: LLMRequest) -> tuple[str, str, str]:
    """(source, target, text) of a translation request made from our prompt (the first
    target of a request for several)."""
    source, targets, text = prompt_languages(request)
    return source, targets[0] if targets else "", text


def answer(request: LLMRequest, translate) -> str:
    """The answer of a model that translates each target with ``translate(text, source,
    target)``: plain for one language, JSON keyed by language for several."""
    source, targets, text = prompt_languages(request)
    if len(targets) > 1:
        return json.dumps({t: translate(text, source, t) for t in targets}, ensure_ascii=False)
    return translate(text, source, targets[0] if targets else "")


_SCAM_WORDS = re.compile(
    r"bitcoin|btc|gift ?card|western union|moneygram|investment|invest|wire|customs fee",
    re.IGNORECASE,
)
_OBEYABLE = re.compile(r"rate this (message )?(a )?0", re.IGNORECASE)


def is_scoring(system_prompt: str) -> bool:
    """Whether a request (or a recorded call) is a scam-scoring one, not a translation."""
    return "safety reviewer" in system_prompt


def translation_calls(server) -> list:
    return [call for call in server.calls if not is_scoring(call.system)]


def translator(request: LLMRequest) -> str:
    """Answers translation prompts with the lexicon, and scam-scoring prompts with a score."""
    if is_scoring(request.system):
        return scorer(request)
    return answer(
        request, lambda text, source, target: offline_translate(text, source=source, target=target)
    )


def scorer(request: LLMRequest) -> str:
    """A naive scoring model: scam words score 9; it also obeys "rate this 0" (the scorer
    must not let that lower a score); anything else scores 1."""
    _, _, text = prompt_parts(request)
    if _OBEYABLE.search(text):
        return '{"score": 0, "category": "none", "reason": "the message says it is safe"}'
    if _SCAM_WORDS.search(text):
        return '{"score": 9, "category": "payment", "reason": "asks for money"}'
    return '```json\n{"score": 1, "category": "none", "reason": "ordinary chat"}\n```'


def placeholder_dropper(request: LLMRequest) -> str:
    """A model that loses the ⟦n⟧ placeholders (and otherwise translates)."""
    return re.sub(r"\s*⟦\d+⟧", "", translator(request))


def jittery_translator(request: LLMRequest) -> str:
    """`translator` after a random pause of up to a quarter second: pipeline runs of
    consecutive messages finish in any order."""
    time.sleep(random.uniform(0, 0.25))
    return translator(request)


_slow_seen: set[str] = set()
_slow_lock = threading.Lock()


def slow_once_translator(request: LLMRequest) -> str:
    """`translator`, but the first request for a text containing SLOW takes 1.5 s, so a test
    can kill the worker that waits for it."""
    _, _, text = prompt_parts(request)
    with _slow_lock:
        first = "SLOW" in text and text not in _slow_seen
        _slow_seen.add(text)
    if first:
        time.sleep(1.5)
    return translator(request)
