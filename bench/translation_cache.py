"""What the translation cache saves: provider calls, tokens and cost per 1,000 chat messages.

Replays the `ham` lines of the SMS Spam Collection (real, repetitive, casual texting) through
translation into two target languages against the local Anthropic protocol server, three ways:

  none    every message is sent to the provider, for every target language;
  plain   a dictionary keyed by the trimmed, whitespace-collapsed, lowercased text;
  xlate   this project's engine: content-hash cache with numbers, URLs, e-mails, @mentions
          and emoji masked as placeholders, case and punctuation kept.

The fake model answers with target-language words of about the input's length, and counts
tokens as ceil(characters / 4) — the same estimate for all three ways, so the comparison
holds; absolute token counts of a real model differ. Cost uses the price table in settings.

    DEBUG=1 .venv/bin/python bench/translation_cache.py [--limit N]
"""

import argparse
import hashlib
import os
import re
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "sms-spam-collection" / "SMSSpamCollection.tsv"
TARGETS = ("es", "de")
MODEL = "claude-haiku-4-5"


def ham_messages(limit: int | None) -> list[str]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = (line.rstrip("\r\n").split("\t", 1) for line in handle)
        messages = [text for label, text in rows if label == "ham"]
    return messages[:limit] if limit else messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N ham messages only")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="xlate-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="xlate_site.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from tests.support.llm_server import FakeLLMServer, LLMRequest
    from tests.support.llm_wire import estimate_tokens
    from tests.support.responders import answer
    from translation.costs import price_of
    from translation.failures import ProviderError
    from translation.models import ProviderCall
    from translation.offline import SUPPORTED
    from translation.services import translations_for

    call_command("migrate", verbosity=0)
    vocabulary = _vocabulary()

    def pseudo(text: str, _source: str, target: str) -> str:
        return _pseudo_translation(text, vocabulary.get(target, ["x"]))

    def fake_model(request: LLMRequest) -> str:
        return answer(request, pseudo)

    messages = ham_messages(args.limit)
    print(f"{len(messages)} ham messages × {len(TARGETS)} targets ({', '.join(TARGETS)})")
    print(f"model {MODEL}, prices per 1M tokens {settings.TRANSLATION_PRICES[MODEL]}\n")
    assert set(TARGETS) <= SUPPORTED

    with FakeLLMServer(responder=fake_model) as server:
        settings.ANTHROPIC_API_KEY = "bench"
        settings.ANTHROPIC_BASE_URL = server.anthropic_base_url
        settings.TRANSLATION_PROVIDERS = f"anthropic:{MODEL}"
        from translation.providers import get_chain

        provider = get_chain()[0]
        rows = []
        for mode in ("none", "plain", "xlate"):
            server.reset()
            started = time.perf_counter()
            tokens_in = tokens_out = 0
            seen: set[str] = set()
            asked: list[str] = []
            for text in messages:
                if mode == "xlate":
                    before = ProviderCall.objects.count()
                    translations_for(text=text, source="en", targets=TARGETS)
                    if ProviderCall.objects.count() > before:
                        asked.append(text)
                    continue
                for target in TARGETS:
                    key = f"{target}\x1f{' '.join(text.split()).lower()}"
                    if mode == "plain" and key in seen:
                        continue
                    seen.add(key)
                    try:
                        result = provider.translate(text, source="en", target=target)
                    except ProviderError as refused:  # paid for all the same
                        result = refused
                    tokens_in += result.input_tokens
                    tokens_out += result.output_tokens
            if mode == "xlate":
                calls = ProviderCall.objects.all()
                tokens_in = sum(c.input_tokens for c in calls)
                tokens_out = sum(c.output_tokens for c in calls)
                own = sum(estimate_tokens(text) for text in asked)
                bill = (tokens_in, len(asked), own, calls.filter(ok=False).count())
            elapsed = time.perf_counter() - started
            n_calls = server.call_count()
            cost = price_of(MODEL, tokens_in, tokens_out)
            per_k = Decimal(1000) / len(messages)
            rows.append((mode, n_calls, tokens_in, tokens_out, cost, cost * per_k, elapsed))

    print(
        f"{'mode':<6} {'calls':>7} {'calls/1k':>9} {'in tok':>9} {'out tok':>8} "
        f"{'cost $':>9} {'$/1k msgs':>10} {'seconds':>8}"
    )
    for mode, calls, t_in, t_out, cost, cost_k, secs in rows:
        print(
            f"{mode:<6} {calls:>7} {calls * 1000 / len(messages):>9.1f} {t_in:>9} {t_out:>8} "
            f"{cost:>9.4f} {cost_k:>10.4f} {secs:>8.1f}"
        )
    tokens_in, asked, own, refused = bill
    budget = 3 * own + 60 * asked
    print(
        f"\nxlate: {asked} messages needed a provider ({refused} calls refused or failed); "
        f"input tokens {tokens_in} = {tokens_in / asked:.1f} per message, against "
        f"3 × own tokens + 60 = {budget / asked:.1f} per message: "
        f"{'PASS' if tokens_in <= budget else 'FAIL'}"
    )


def _vocabulary() -> dict[str, list[str]]:
    from translation.lexicon import LANGUAGES, ROWS

    words: dict[str, list[str]] = {}
    for row in ROWS:
        for language, entry in zip(LANGUAGES, row, strict=True):
            words.setdefault(language, []).extend(w for w in re.findall(r"\w+", entry) if w)
    return words


def _pseudo_translation(text: str, vocabulary: list[str]) -> str:
    """Target-language words standing in for each source word; placeholders kept."""

    def swap(match: re.Match) -> str:
        digest = hashlib.blake2s(match.group(0).lower().encode(), digest_size=4).digest()
        return vocabulary[int.from_bytes(digest) % len(vocabulary)]

    return re.sub(r"(?!⟦)[^\W\d_]+", swap, text)


if __name__ == "__main__":
    main()
