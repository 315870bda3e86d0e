"""Fake-model answers for the local LLM server: read our prompt, answer like a translator.

`translator` reads the languages from the system prompt (translation/prompts.py) and the text
from the <message> fence, and answers with the offline lexicon translation, so the output is
in the target language for the words the lexicon knows (tests use such sentences).
"""

import re

from tests.support.llm_server import LLMRequest
from translation.offline import offline_translate

_LANGUAGE = re.compile(r"^(Source|Target) language: .*\((\w+)\)$", re.MULTILINE)
_FENCE = re.compile(r"<message>\n(.*)\n</message>", re.DOTALL)


def prompt_parts(request: LLMRequest) -> tuple[str, str, str]:
    """(source, target, text) of a translation request made from our prompt."""
    languages = dict(_LANGUAGE.findall(request.system))
    match = _FENCE.search(request.user)
    text = match.group(1) if match else request.user
    return languages.get("Source", ""), languages.get("Target", ""), text


def translator(request: LLMRequest) -> str:
    source, target, text = prompt_parts(request)
    return offline_translate(text, source=source, target=target)


def placeholder_dropper(request: LLMRequest) -> str:
    """A model that loses the ⟦n⟧ placeholders (and otherwise translates)."""
    return re.sub(r"\s*⟦\d+⟧", "", translator(request))
