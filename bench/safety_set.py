"""The multilingual evaluation set of the safety benchmark: load it, score it, report on it.

The set (bench/data/safety-multilingual.tsv, its header explains the columns) holds requests,
contacts, disguised forms, identifiers split over several messages and hard negatives in 20
languages. Each case is run through ``check_with_context`` as the pipeline runs a message: a
standalone line alone, each message of a thread with the thread's earlier messages. A case's
action is the strictest its messages get.

Not run directly: bench/safety.py imports it.

    DEBUG=1 .venv/bin/python bench/safety.py --set bench/data/safety-multilingual.tsv
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from moderation.policy import Verdict, check_with_context

COLUMNS = ("language", "kind", "expected", "thread", "text")
EXPECTED = ("block", "flag_or_block", "allow")
STANDALONE = "-"
# Targets of the safety v2 issue on this set.
BLOCK_RECALL_TARGET = 0.98
FLAG_OR_BLOCK_RECALL_TARGET = 0.95  # in every language
INNOCENT_BLOCKED_TARGET = 0.005
# Strictness of an action, for the strictest over a thread; an action this table does not
# know (a newer policy's) counts as a flag: caught for flag_or_block, not a block.
_STRICTNESS = {"allow": 0, "flag": 1, "mask": 1, "hold": 2, "block": 3}


@dataclass(frozen=True, slots=True)
class Case:
    """One line of the set, or one thread of consecutive messages from one sender."""

    language: str
    kind: str
    expected: str
    thread: str
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pipeline did with a case: the strictest action and each message's verdict."""

    case: Case
    action: str
    verdicts: tuple[Verdict, ...]

    @property
    def blocked(self) -> bool:
        return self.action == "block"

    @property
    def caught(self) -> bool:
        return self.action != "allow"


def load_set(path: Path) -> list[Case]:
    """The cases of the set at ``path``; a malformed line raises ValueError with its number."""
    cases: list[Case] = []
    threads: dict[str, int] = {}
    header_seen = False
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = tuple(line.split("\t"))
            if not header_seen:
                if fields != COLUMNS:
                    raise ValueError(f"{path}:{number}: header {fields!r}, expected {COLUMNS!r}")
                header_seen = True
                continue
            if len(fields) != len(COLUMNS) or not all(fields):
                raise ValueError(f"{path}:{number}: {len(COLUMNS)} non-empty columns expected")
            language, kind, expected, thread, text = fields
            if expected not in EXPECTED:
                raise ValueError(f"{path}:{number}: expected is {expected!r}")
            if thread == STANDALONE:
                cases.append(Case(language, kind, expected, thread, (text,)))
                continue
            index = threads.get(thread)
            if index is None:
                threads[thread] = len(cases)
                cases.append(Case(language, kind, expected, thread, (text,)))
                continue
            first = cases[index]
            if index != len(cases) - 1 or (first.language, first.kind, first.expected) != (
                language,
                kind,
                expected,
            ):
                raise ValueError(f"{path}:{number}: thread {thread} is not one consecutive run")
            cases[index] = Case(language, kind, expected, thread, (*first.messages, text))
    return cases


def takes_languages() -> bool:
    """Whether the policy takes the conversation's languages (a ``languages`` keyword)."""
    return "languages" in inspect.signature(check_with_context).parameters


def checker(
    context: int, region: str | None, *, languages: bool = True
) -> Callable[[str, Sequence[str], str], Verdict]:
    """``check(text, previous, language)``: ``check_with_context`` with at most ``context``
    previous messages, the phone ``region`` hint, and the line's language (without its
    script: "hi-Latn" is "hi") when the policy takes the conversation's languages and
    ``languages`` is true (false: as for a message whose language nobody can tell)."""
    with_languages = languages and takes_languages()

    def check(text: str, previous: Sequence[str], language: str) -> Verdict:
        previous = previous[-context:] if context else ()
        if with_languages:
            base = language.split("-")[0]
            return check_with_context(text, previous, region=region, languages=(base,))
        return check_with_context(text, previous, region=region)

    return check


def evaluate(
    cases: Iterable[Case], check: Callable[[str, Sequence[str], str], Verdict]
) -> list[Outcome]:
    """An :class:`Outcome` per case: each message checked with the case's earlier ones."""
    outcomes = []
    for case in cases:
        verdicts = tuple(
            check(text, case.messages[:index], case.language)
            for index, text in enumerate(case.messages)
        )
        action = max((str(v.action) for v in verdicts), key=lambda a: _STRICTNESS.get(a, 1))
        outcomes.append(Outcome(case, action, verdicts))
    return outcomes


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts for a group of outcomes (a language, a kind, or all)."""

    cases: int
    block: int
    block_caught: int
    catch: int
    caught: int
    innocent: int
    innocent_blocked: int
    innocent_flagged: int

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Tally:
        block = [o for o in outcomes if o.case.expected == "block"]
        catch = [o for o in outcomes if o.case.expected != "allow"]
        innocent = [o for o in outcomes if o.case.expected == "allow"]
        return cls(
            cases=len(outcomes),
            block=len(block),
            block_caught=sum(o.blocked for o in block),
            catch=len(catch),
            caught=sum(o.caught for o in catch),
            innocent=len(innocent),
            innocent_blocked=sum(o.blocked for o in innocent),
            innocent_flagged=sum(o.caught and not o.blocked for o in innocent),
        )


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} {100 * part / whole:.1f} %" if whole else "–"


def _row(label: str, tally: Tally, verdict: str = "") -> str:
    cells = [
        label,
        str(tally.cases),
        _ratio(tally.block_caught, tally.block),
        _ratio(tally.caught, tally.catch),
        _ratio(tally.innocent_blocked, tally.innocent),
        _ratio(tally.innocent_flagged, tally.innocent),
    ]
    if verdict:
        cells.append(verdict)
    return "| " + " | ".join(cells) + " |"


def _family(kind: str) -> str:
    """The kind's family: "obfuscated_leet" → "obfuscated_*"; plain kinds stay themselves."""
    for prefix in ("obfuscated_", "hard_negative_", "split_"):
        if kind.startswith(prefix):
            return prefix + "*"
    return kind


def _findings(verdict: Verdict, text: str) -> str:
    found = [f"{f.kind}={text[f.start : f.end]!r} ({f.evidence})" for f in verdict.findings]
    return "; ".join(found) or "no finding"


def _describe(outcome: Outcome, label: str) -> list[str]:
    case = outcome.case
    lines = [f"  {label} [{case.language} {case.kind} → {outcome.action}]"]
    for text, verdict in zip(case.messages, outcome.verdicts, strict=True):
        lines.append(f"      {text}")
        if verdict.findings:
            lines.append(f"        {verdict.action}: {_findings(verdict, text)}")
    return lines


def report(outcomes: Sequence[Outcome]) -> list[tuple[str, bool]]:
    """Print the tables and every miss, false block and false flag; return the targets as
    ``(description, met)``."""
    header = (
        "| {} | cases | block recall | flag-or-block recall | innocent blocked "
        "| innocent flagged |{}\n| --- | ---: | ---: | ---: | ---: | ---: |{}"
    )
    languages = sorted({o.case.language for o in outcomes}, key=_language_order(outcomes))
    print(header.format("language", " flag-or-block ≥ 95 % |", " --- |"))
    failing = []
    for language in languages:
        tally = Tally.of([o for o in outcomes if o.case.language == language])
        met = tally.catch == 0 or tally.caught >= FLAG_OR_BLOCK_RECALL_TARGET * tally.catch
        if not met:
            failing.append(language)
        print(_row(language, tally, "PASS" if met else "FAIL"))
    overall = Tally.of(outcomes)
    print(_row("**all**", overall, "PASS" if not failing else f"FAIL ({len(failing)})"))

    for title, key in (("kind family", _family), ("kind", lambda kind: kind)):
        print("\n" + header.format(title, "", ""))
        for group in sorted({key(o.case.kind) for o in outcomes}):
            tally = Tally.of([o for o in outcomes if key(o.case.kind) == group])
            print(_row(group, tally))

    sections = (
        ("missed (allowed, expected a block or flag)", "MISSED", _missed),
        ("block expected, only flagged or held", "NOT BLOCKED", _under_blocked),
        ("innocent, blocked", "FALSE BLOCK", _false_block),
        ("innocent, flagged or held", "FALSE FLAG", _false_flag),
    )
    for title, label, selected in sections:
        chosen = [o for o in outcomes if selected(o)]
        print(f"\n{title}: {len(chosen)}")
        for outcome in chosen:
            print("\n".join(_describe(outcome, label)))

    block_met = overall.block_caught >= BLOCK_RECALL_TARGET * overall.block
    innocent_met = overall.innocent_blocked <= INNOCENT_BLOCKED_TARGET * overall.innocent
    return [
        (f"set: block recall ≥ 98 % ({_ratio(overall.block_caught, overall.block)})", block_met),
        (
            "set: flag-or-block recall ≥ 95 % in every language "
            f"({len(languages) - len(failing)} of {len(languages)} languages"
            + (f"; below: {', '.join(failing)})" if failing else ")"),
            not failing,
        ),
        (
            "set: innocent lines blocked ≤ 0.5 % "
            f"({_ratio(overall.innocent_blocked, overall.innocent)})",
            innocent_met,
        ),
    ]


def _missed(outcome: Outcome) -> bool:
    return outcome.case.expected != "allow" and not outcome.caught


def _under_blocked(outcome: Outcome) -> bool:
    return outcome.case.expected == "block" and outcome.caught and not outcome.blocked


def _false_block(outcome: Outcome) -> bool:
    return outcome.case.expected == "allow" and outcome.blocked


def _false_flag(outcome: Outcome) -> bool:
    return outcome.case.expected == "allow" and outcome.caught and not outcome.blocked


def _language_order(outcomes: Sequence[Outcome]) -> Callable[[str], int]:
    """Languages in the order the set first lists them."""
    first: dict[str, int] = {}
    for index, outcome in enumerate(outcomes):
        first.setdefault(outcome.case.language, index)
    return first.__getitem__


def stream(cases: Iterable[Case]) -> list[tuple[str, str]]:
    """Every message of the set in order, with its language: the timing's input."""
    return [(case.language, text) for case in cases for text in case.messages]
