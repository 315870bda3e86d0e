"""Risk signals: cheap deterministic hints that an LLM scam score is worth paying for.

Romance scams start long before a wallet or a phone number appears: with a wrong-number
opener, an oil rig, a deployment, an inheritance, a "sure" investment, a parcel held at
customs or a hospital bill. None of that is a reason to block, but a message that talks like
it deserves the scorer's look. The vocabulary is each language's ``[risk]`` lexicon
(moderation/lexicons/), read in the languages the message may be in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from moderation import lexicon as lexicons
from moderation.cues import (
    Phrases,
    choices,
    compact,
    compile_entry,
    compiled_phrases,
)
from moderation.detectors import Finding
from moderation.keywords import KEYWORDS, by_tag, scopes
from moderation.normalization import mixed_script_words, normalize

__all__ = ["RiskSignals", "risk_signals"]

_BUILTINS = {
    "amount": r"(?<![0-9a-z_.,])\d+(?:[.,]\d+)*(?![0-9a-z_])",
    "end": r"(?=\s*(?:$|[.!?;,:)\n]))",
    "start": r"(?:(?<![\s\S])|(?<=[.!?¡¿\n])|(?<=[.!?¡¿\n]\s))",
}
# How far a risky phrase reaches around the word it needs.
_REACH = 80


@dataclass(frozen=True, slots=True)
class RiskSignals:
    """What makes a message worth a scam score, each on its own."""

    mixed_script: bool
    risky_terms: tuple[str, ...]
    has_findings: bool

    @property
    def worth_scoring(self) -> bool:
        """True when any signal is present: the LLM score is worth its cost."""
        return self.mixed_script or bool(self.risky_terms) or self.has_findings


def _build() -> Mapping[str, Phrases]:
    """Each language's risky phrases, each entry in a group named for its label
    ("r3x0": label 3, entry 0), with their keywords registered as "risk:<code>>" / "~"."""
    books = {}
    tagged: dict[str, frozenset[str]] = {}
    for code, lex in lexicons.load_lexicons().items():
        words = {
            name: choices(entries, {}, f"{code}.toml:words.{name}")
            for name, entries in lex.words.items()
        }
        lists = {**words, **_BUILTINS}
        small = compact(lists)
        sources = []
        for key, entries in lex.risk.items():
            for index, entry in enumerate(entries):
                where = f"{code}.toml:risk.{key}[{index}]"
                source = compile_entry(entry, lists, where)
                grouped = f"(?P<r{_LABELS.index(key)}x{index}>{source})"
                sources.append((where, grouped, compile_entry(entry, small, where)))
        books[code] = compiled_phrases(sources)
        tagged[f"risk:{code}>"] = books[code].leading
        tagged[f"risk:{code}~"] = books[code].required
    KEYWORDS.register(tagged)
    return books


_LABELS = list(lexicons.RISK_LABELS)
_books = KEYWORDS.builds(_build)


def risky_terms(text: str, languages: Iterable[str] | None = None) -> tuple[str, ...]:
    """The labels of the scam-script vocabulary in ``text`` ("oil rig", "customs fee"), each
    once, in order of first appearance, read in ``languages`` (English is added; None: all)."""
    view = normalize(text).text
    hits = KEYWORDS.hits(view)
    present: frozenset[str] = frozenset()
    for _, _, tags in hits:
        present |= scopes(tags, "risk:")
    if not present:
        return ()
    spots = by_tag(hits, "risk:")
    found: list[tuple[int, str]] = []
    for code in lexicons.resolve_languages(languages):
        if code not in present:
            continue
        lead = [start for start, _ in spots.get(f"risk:{code}>", ())]
        near = spots.get(f"risk:{code}~", [])
        for match in _books()[code].find(view, lead, near, before=_REACH, after=_REACH):
            key = _LABELS[int((match.lastgroup or "r0x0")[1:].partition("x")[0])]
            found.append((match.start(), lexicons.RISK_LABELS[key]))
    terms: list[str] = []
    for _, label in sorted(found):
        if label not in terms:
            terms.append(label)
    return tuple(terms)


def risk_signals(
    text: str, findings: Sequence[Finding], *, languages: Iterable[str] | None = None
) -> RiskSignals:
    """Risk signals of ``text`` given the ``findings`` the detectors reported for it.

    ``risky_terms`` are canonical English labels ("oil rig", "crypto"), each once, in order
    of first appearance, whatever language the message is in. ``languages`` are those the
    message may be in (its detected language and the sender's; English is added); None
    reads it in every language.
    """
    mixed = any(f.kind == "mixed_script" for f in findings) or bool(mixed_script_words(text))
    return RiskSignals(
        mixed_script=mixed,
        risky_terms=risky_terms(text, languages),
        has_findings=bool(findings),
    )
