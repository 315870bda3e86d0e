"""What the deterministic safety pipeline does to real SMS: false positives, recall and speed.

Replays the SMS Spam Collection (5,574 real English texts) through ``check_text``:

  ham    4,827 casual person-to-person messages: how many are blocked or flagged. Every
         flagged line is listed, so a reader can see each one is a real contact or link.
  spam   747 premium-rate spam messages: of those that carry a phone number, short code,
         URL or e-mail (an independent, deliberately simple check, not the pipeline's own
         detectors), how many the pipeline flags or blocks.
  time   per-message decision time (p50 / p99 / max, time.perf_counter_ns around the call,
         after a warm-up), alone and with the sender's 3 previous messages as context.

No Django setup, database or network: the pipeline is pure functions over text.

    DEBUG=1 .venv/bin/python bench/safety.py [--corpus PATH]

The corpus defaults to ../shared/data/sms-spam-collection/SMSSpamCollection.tsv beside the
repository, or $XLATE_SMS_CORPUS when set.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moderation.policy import Action, check_text, check_with_context  # noqa: E402

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "sms-spam-collection"
    / "SMSSpamCollection.tsv"
)
# "Carries a contact", decided independently of the pipeline: a run of 5+ digits (possibly
# separated by a space, dot or dash: phone numbers and premium short codes such as "87121"),
# a URL, www. or bare domain, or an e-mail address.
CARRIES_CONTACT = re.compile(
    r"\d(?:[ .\-]?\d){4,}"
    r"|https?://|www\."
    r"|\b[\w\-]+\.(?:com|net|org|co\.uk|uk|biz|info|tv|us|ac)\b"
    r"|\S@\S+\.\w",
    re.IGNORECASE,
)
WARM_UP = 500
CONTEXT = 3


def load(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` rows of the corpus: tab-separated, CRLF line endings."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line.rstrip("\r\n").split("\t", 1) for line in handle)
        return [(label, text) for label, text in rows]


def percentile(sorted_ns: list[int], fraction: float) -> float:
    """The value at ``fraction`` of a sorted list, in milliseconds."""
    index = min(len(sorted_ns) - 1, int(fraction * len(sorted_ns)))
    return sorted_ns[index] / 1e6


def timed(messages: list[str], decide: Callable[[int, str], object]) -> list[int]:
    """Nanoseconds per message for ``decide(index, text)``, after a warm-up pass."""
    for index, text in enumerate(messages[:WARM_UP]):
        decide(index, text)
    samples = []
    for index, text in enumerate(messages):
        started = time.perf_counter_ns()
        decide(index, text)
        samples.append(time.perf_counter_ns() - started)
    samples.sort()
    return samples


def report_timing(label: str, samples: list[int]) -> None:
    print(
        f"  {label:<28} p50 {percentile(samples, 0.50):.3f} ms   "
        f"p99 {percentile(samples, 0.99):.3f} ms   max {samples[-1] / 1e6:.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="SMSSpamCollection.tsv")
    args = parser.parse_args()
    corpus = args.corpus or Path(os.environ.get("XLATE_SMS_CORPUS") or DEFAULT_CORPUS)
    rows = load(corpus)
    ham = [text for label, text in rows if label == "ham"]
    spam = [text for label, text in rows if label == "spam"]
    print(f"corpus: {corpus} ({len(ham)} ham, {len(spam)} spam)\n")

    verdicts = [(text, check_text(text)) for text in ham]
    blocked = [(text, v) for text, v in verdicts if v.action is Action.BLOCK]
    held = [(text, v) for text, v in verdicts if v.action is Action.HOLD]
    flagged = [(text, v) for text, v in verdicts if v.action is Action.FLAG]
    print("ham (false positives)")
    print(f"  blocked  {len(blocked):4d}  {100 * len(blocked) / len(ham):.2f}%   (target <= 0.5%)")
    print(f"  held     {len(held):4d}  {100 * len(held) / len(ham):.2f}%")
    print(f"  flagged  {len(flagged):4d}  {100 * len(flagged) / len(ham):.2f}%")
    for label, lines in (("BLOCKED", blocked), ("FLAGGED", flagged)):
        for text, verdict in lines:
            found = ", ".join(
                f"{f.kind}={text[f.start : f.end]!r}"
                for f in verdict.findings
                if f.kind != "mixed_script"
            )
            print(f"    {label} [{verdict.reason}] {found}\n        {text}")

    carrying = [text for text in spam if CARRIES_CONTACT.search(text)]
    missed = [text for text in carrying if check_text(text).action is Action.ALLOW]
    caught = len(carrying) - len(missed)
    print("\nspam (recall on messages carrying a phone number, short code, URL or e-mail)")
    print(
        f"  {caught}/{len(carrying)} flagged or blocked = {100 * caught / len(carrying):.1f}%"
        "   (target >= 95%)"
    )
    for text in missed:
        print(f"    MISSED {text}")

    messages = [text for _, text in rows]
    print(f"\npipeline time per message ({len(messages)} messages)")
    report_timing("check_text", timed(messages, lambda _, text: check_text(text)))
    report_timing(
        f"check_with_context ({CONTEXT} prev)",
        timed(
            messages,
            lambda index, text: check_with_context(text, messages[max(0, index - CONTEXT) : index]),
        ),
    )


if __name__ == "__main__":
    main()
