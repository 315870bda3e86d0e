"""What the deterministic safety pipeline does to real SMS and to a multilingual set: false
positives, recall and speed.

SMS: replays the SMS Spam Collection (5,574 real English texts) through ``check_text``:

  ham    4,827 casual person-to-person messages: how many are blocked or flagged. Every
         flagged line is listed, and checked against a simple pattern of what a real contact
         or link looks like (shares no code with the detectors).
  spam   747 premium-rate spam messages: of those that carry a phone number, short code,
         URL or e-mail (an independent, deliberately simple check, not the pipeline's own
         detectors), how many the pipeline flags or blocks.

Set: the multilingual evaluation set (bench/data/safety-multilingual.tsv, see
bench/safety_set.py): per language and per kind, block recall, flag-or-block recall, innocent
lines blocked and flagged, with every miss, false block and false flag listed.

Time: per-message decision time with the sender's previous messages as context (6 by default:
an identifier split over six messages), p50 / p99 / max after a warm-up, three runs and their
median, with the load average before and after. Both the wall clock (time.perf_counter_ns)
and the thread's CPU time (time.thread_time_ns) are printed; the 1 ms target is judged on CPU
time, which a busy machine does not inflate by preempting the check (the wall clock does).

Every target of the safety v2 issue is printed with PASS or FAIL at the end. No Django setup,
database or network: the pipeline is pure functions over text.

    DEBUG=1 .venv/bin/python bench/safety.py                     # SMS, the set, timing
    DEBUG=1 .venv/bin/python bench/safety.py --set bench/data/safety-multilingual.tsv
    DEBUG=1 .venv/bin/python bench/safety.py --corpus PATH       # SMS only

With neither --set nor --corpus both run. The corpus defaults to
../shared/data/sms-spam-collection/SMSSpamCollection.tsv beside the repository, or
$XLATE_SMS_CORPUS when set.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import safety_set  # noqa: E402
from bench.proc import loadavg  # noqa: E402
from moderation.policy import Action, check_text  # noqa: E402

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "sms-spam-collection"
    / "SMSSpamCollection.tsv"
)
DEFAULT_SET = ROOT / "bench" / "data" / "safety-multilingual.tsv"
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
# What a flagged casual message must visibly contain to be a real contact or link: a
# phone-length digit run, an "@", a link, or a messenger named (as tests/moderation/test_corpus).
VISIBLE_CONTACT = re.compile(
    r"\d(?:[ .\-]?\d){6,}|@|https?://|www\.|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|net|org|edu|sg|uk)\b"
    r"|telegram|whatsapp|snap|insta|kik",
    re.IGNORECASE,
)
HAM_BLOCKED_TARGET = 0.005
SPAM_CAUGHT_TARGET = 0.97
P99_TARGET_MS = 1.0
WARM_UP = 500
CONTEXT = 8  # MODERATION_CONTEXT_MESSAGES by default: what the pipeline reads
RUNS = 3
TIMED_MESSAGES = 5_000

Target = tuple[str, bool]


def load(path: Path) -> list[tuple[str, str]]:
    """``(label, text)`` rows of the corpus: tab-separated, CRLF line endings."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = (line.rstrip("\r\n").split("\t", 1) for line in handle)
        return [(label, text) for label, text in rows]


def percentile(sorted_ns: list[int], fraction: float) -> float:
    """The value at ``fraction`` of a sorted list, in milliseconds."""
    index = min(len(sorted_ns) - 1, int(fraction * len(sorted_ns)))
    return sorted_ns[index] / 1e6


def timed(messages: list[str], decide: Callable[[int, str], object]) -> tuple[list[int], list[int]]:
    """Nanoseconds per message for ``decide(index, text)`` after a warm-up pass, sorted: wall
    clock, and this thread's CPU time (what the check itself costs, whatever else the machine
    runs: on a loaded machine the wall clock also counts the time the check was preempted)."""
    for index, text in enumerate(messages[:WARM_UP]):
        decide(index, text)
    wall, cpu = [], []
    for index, text in enumerate(messages):
        started, started_cpu = time.perf_counter_ns(), time.thread_time_ns()
        decide(index, text)
        cpu.append(time.thread_time_ns() - started_cpu)
        wall.append(time.perf_counter_ns() - started)
    wall.sort()
    cpu.sort()
    return wall, cpu


def report_timing(
    label: str, messages: list[str], decide: Callable[[int, str], object], runs: int
) -> float:
    """Print p50 / p99 / max, wall clock and CPU, as the medians of ``runs`` runs with each
    run's p99; return the median CPU p99 in milliseconds."""
    runs_samples = [timed(messages, decide) for _ in range(runs)]
    median_p99 = 0.0
    for clock, index in (("wall", 0), ("cpu", 1)):
        samples = [run[index] for run in runs_samples]
        p99s = [percentile(s, 0.99) for s in samples]
        p50 = statistics.median(percentile(s, 0.50) for s in samples)
        longest = statistics.median(s[-1] / 1e6 for s in samples)
        each = ", ".join(f"{p99:.3f}" for p99 in p99s)
        print(
            f"  {label:<34} {clock:<4} p50 {p50:.3f} ms   p99 {statistics.median(p99s):.3f} ms"
            f"   max {longest:.3f} ms   (p99 of each run: {each})"
        )
        median_p99 = statistics.median(p99s)
    return median_p99


def run_sms(rows: list[tuple[str, str]]) -> list[Target]:
    """The SMS report: false positives on ham, recall on contact-carrying spam."""
    ham = [text for label, text in rows if label == "ham"]
    spam = [text for label, text in rows if label == "spam"]
    verdicts = [(text, check_text(text)) for text in ham]
    blocked = [(text, v) for text, v in verdicts if v.action is Action.BLOCK]
    held = [(text, v) for text, v in verdicts if v.action is Action.HOLD]
    flagged = [(text, v) for text, v in verdicts if v.action not in (Action.ALLOW, Action.BLOCK)]
    print("ham (false positives)")
    print(f"  blocked  {len(blocked):4d}  {100 * len(blocked) / len(ham):.2f}%   (target <= 0.5%)")
    print(f"  held     {len(held):4d}  {100 * len(held) / len(ham):.2f}%")
    print(f"  flagged  {len(flagged):4d}  {100 * len(flagged) / len(ham):.2f}%   (held included)")
    unexplained = [text for text, _ in flagged if not VISIBLE_CONTACT.search(text)]
    for label, lines in (("BLOCKED", blocked), ("FLAGGED", flagged)):
        for text, verdict in lines:
            found = ", ".join(
                f"{f.kind}={text[f.start : f.end]!r}"
                for f in verdict.findings
                if f.kind != "mixed_script"
            )
            mark = "" if VISIBLE_CONTACT.search(text) else "  <- no visible contact or link"
            print(f"    {label} [{verdict.reason}] {found}{mark}\n        {text}")

    carrying = [text for text in spam if CARRIES_CONTACT.search(text)]
    missed = [text for text in carrying if check_text(text).action is Action.ALLOW]
    caught = len(carrying) - len(missed)
    print("\nspam (recall on messages carrying a phone number, short code, URL or e-mail)")
    print(
        f"  {caught}/{len(carrying)} flagged or blocked = {100 * caught / len(carrying):.1f}%"
        "   (target >= 97%)"
    )
    for text in missed:
        print(f"    MISSED {text}")
    return [
        (
            f"SMS ham blocked ≤ 0.5 % ({len(blocked)}/{len(ham)} "
            f"{100 * len(blocked) / len(ham):.2f} %)",
            len(blocked) <= HAM_BLOCKED_TARGET * len(ham),
        ),
        (
            f"SMS ham: every flag a real contact or link ({len(flagged)} flagged, "
            f"{len(unexplained)} without one)",
            not unexplained,
        ),
        (
            f"SMS spam carrying a contact caught ≥ 97 % ({caught}/{len(carrying)} "
            f"{100 * caught / len(carrying):.1f} %)",
            caught >= SPAM_CAUGHT_TARGET * len(carrying),
        ),
    ]


def run_set(
    path: Path, *, context: int, region: str | None, languages: bool = True
) -> list[Target]:
    """The multilingual set's report (bench/safety_set.py)."""
    cases = safety_set.load_set(path)
    written_in = {case.language for case in cases}
    messages = sum(len(case.messages) for case in cases)
    threads = sum(case.thread != safety_set.STANDALONE for case in cases)
    hints = ""
    if safety_set.takes_languages():
        hints = "the line's language passed as languages=" if languages else "no languages="
    print(
        f"set: {path} ({messages} messages, {len(cases)} cases of which {threads} threads, "
        f"{len(written_in)} languages)\n"
        f"  check_with_context, up to {context} previous messages of a thread, "
        f"region={region!r}{'; ' + hints if hints else ''}\n"
    )
    outcomes = safety_set.evaluate(cases, safety_set.checker(context, region, languages=languages))
    return safety_set.report(outcomes)


def run_timing(
    streams: Sequence[tuple[str, list[tuple[str, str]]]],
    *,
    context: int,
    runs: int,
    region: str | None,
) -> list[Target]:
    """Decision time with ``context`` previous messages, for each stream of
    ``(language, text)`` messages, checked as the set is (bench/safety_set.checker)."""
    check = safety_set.checker(context, region)
    cpus = os.cpu_count()
    print(f"\ndecision time per message ({runs} runs, medians), load average {loadavg()}")
    print(f"  ({cpus} CPUs; {sys.version.split()[0]}; DEBUG={os.environ.get('DEBUG', '')!r})")
    targets = []
    for name, stream in streams:
        messages = [text for _, text in stream]
        print(f"  {name}: {len(messages)} messages")
        report_timing("check_text", messages, lambda _, text: check_text(text, region=region), runs)
        p99 = report_timing(
            f"check_with_context ({context} previous)",
            messages,
            _with_context(stream, check, context),
            runs,
        )
        targets.append(
            (
                f"{name}: check with {context} previous messages, p99 < 1 ms "
                f"({p99:.3f} ms CPU, median of {runs} runs)",
                p99 < P99_TARGET_MS,
            )
        )
    print(f"  load average after: {loadavg()}")
    return targets


def _with_context(
    stream: list[tuple[str, str]],
    check: Callable[[str, Sequence[str], str], object],
    context: int,
) -> Callable[[int, str], object]:
    """``decide(index, text)``: ``check`` of one message with the ``context`` before it."""
    texts = [text for _, text in stream]

    def decide(index: int, text: str) -> object:
        return check(text, texts[max(0, index - context) : index], stream[index][0])

    return decide


def repeated(messages: list[tuple[str, str]], at_least: int) -> list[tuple[str, str]]:
    """``messages`` repeated until there are ``at_least``: enough samples for a stable p99."""
    if not messages:
        return []
    return messages * -(-at_least // len(messages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=None, help="SMSSpamCollection.tsv")
    parser.add_argument("--set", type=Path, default=None, help="an evaluation set (TSV)")
    parser.add_argument("--context", type=int, default=CONTEXT, help="previous messages read")
    parser.add_argument("--runs", type=int, default=RUNS, help="timing runs (median reported)")
    parser.add_argument("--no-timing", action="store_true", help="skip the timing")
    parser.add_argument("--region", default=None, help="phone region hint (sender's country)")
    parser.add_argument(
        "--no-languages",
        action="store_true",
        help="read the set without the line's language, as a text nobody can tell",
    )
    args = parser.parse_args()
    both = args.corpus is None and args.set is None
    targets: list[Target] = []
    streams: list[tuple[str, list[tuple[str, str]]]] = []

    if both or args.corpus is not None:
        corpus = args.corpus or Path(os.environ.get("XLATE_SMS_CORPUS") or DEFAULT_CORPUS)
        rows = load(corpus)
        print(f"corpus: {corpus} ({sum(label == 'ham' for label, _ in rows)} ham, "
              f"{sum(label == 'spam' for label, _ in rows)} spam)\n")  # fmt: skip
        targets += run_sms(rows)
        streams.append(("SMS corpus", [("en", text) for _, text in rows]))
    if both or args.set is not None:
        path = args.set or DEFAULT_SET
        if both:
            print()
        targets += run_set(
            path, context=args.context, region=args.region, languages=not args.no_languages
        )
        messages = safety_set.stream(safety_set.load_set(path))
        name = f"set, repeated to {TIMED_MESSAGES:,}"
        streams.append((name, repeated(messages, TIMED_MESSAGES)))
    if not args.no_timing:
        targets += run_timing(streams, context=args.context, runs=args.runs, region=args.region)

    print("\ntargets")
    for description, met in targets:
        print(f"  {'PASS' if met else 'FAIL'}  {description}")


if __name__ == "__main__":
    main()
