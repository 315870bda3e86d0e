"""Requests to pay or send money, in every language with a lexicon (moderation/lexicons/).

Only a request counts: someone asking the reader to send, buy, transfer or pay ("send me a
steam card", "mándame 200 euros por western union", "скинь денег на карту", "お金を送って").
Talk about money ("I paid for dinner", "te mandé 20 euros ayer") names the same things
without asking for them and is not reported.

Each language's asking (its imperative and request forms) is read only with that language's
own grammar words, so a Spanish past tense never meets a Portuguese imperative; the thing
asked for may be named in the language, in English or by an international name. The caller
says which languages a message may be in (its detected language and the sender's); English
is always read, and no languages given means all of them.

Works on the fully folded view (lowercase, accents dropped, spaced letters rejoined).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from moderation import lexicon as lexicons
from moderation.cues import (
    Phrases,
    alternation,
    bounded,
    choices,
    compile_entry,
    phrases,
)
from moderation.keywords import KEYWORDS, by_tag, gate_words, scopes
from moderation.lexicon import PIVOT, Lexicon
from moderation.normalization import Normalized

__all__ = ["find_payment_requests"]

# What a request asks for: the named group, and the evidence it gives.
_OBJECT_KINDS = (
    ("gift", "gift card request"),
    ("service", "money transfer service request"),
    ("bank", "bank transfer request"),
    ("crypto", "crypto payment request"),
    ("fee", "fee to release a gift or parcel"),
    ("fare", "request to pay a ride or a bill"),
    ("money", "money request"),
)
_EVIDENCE = dict(_OBJECT_KINDS)
_PITCHES = {
    "returns": (0.85, "investment pitch (guaranteed returns)"),
    "platform": (0.8, "investment platform solicitation"),
    "fee": (0.8, "fee to release a gift or parcel"),
    "gift": (0.85, "gift card request"),
    "destination": (0.85, "payment destination given"),
}
_AMOUNT_EVIDENCE = "money request (an amount without a currency)"
_CONFIDENCE = 0.85

# A number as people write an amount: "40", "1,500", "2.5k", "50rb".
_NUMBER = r"\d+(?:[.,' ]\d{3})*(?:[.,]\d+)?(?: ?k\b)?"
# A bare amount asked for: two digits or more (or thousands), not part of a longer code.
# Only Latin letters and digits are part of a code: "转我2000" asks for 2000.
_BARE_AMOUNT = (
    r"(?<![0-9a-z_.,])(?:\d{2,}(?:[.,]\d{3})*(?:[.,]\d{1,2})?|\d(?:[.,]\d{3})+"
    r"|\d+(?:[.,]\d+)? ?k)(?![0-9a-z_]|[.,]\d)"
)
_CLAUSE_END = r"$|[.!?;,:)\n]"
# Sentence start: the text's start, or after ".", "!", "?" and up to two blanks.
_SENTENCE_START = (
    r"(?:(?<![\s\S])|(?<=[.!?¡¿\n])|(?<=[.!?¡¿\n]\s)|(?<=[.!?¡¿\n]\s\s)|(?<=^\s)|(?<=\u2029))"
)
# How far a request or pitch reaches around the words it needs (cue, gap and object).
_REACH = 160
_DIGITS = re.compile(r"\d{2}|\d ?k\b|\d[.,]\d{3}")
# A verb form ending in a stressed é or ó is a past tense (Spanish "envié", "mandó", French
# "envoyé", Italian "mandò"); no request form ends so. Folded, "envié" reads as the
# Portuguese imperative "envie", so the original spelling is checked.
_PAST_ENDING = re.compile(r"[éóò]$")


@dataclass(frozen=True, slots=True)
class _Language:
    """One language's compiled asking, what may be asked for, amount requests and pitches."""

    code: str
    cues: Phrases
    # What may be asked for in the language's own words (the shared ones are in _Book).
    objects: re.Pattern[str] | None
    # One word of the gap between the asking and the thing asked for; the whole gap.
    gap_word: re.Pattern[str]
    gap: re.Pattern[str]
    spaced: bool
    # Languages that put what is asked for first ("お金を送って", "para gönder").
    object_first: bool
    amounts: Phrases
    pitches: tuple[tuple[Phrases, float, str], ...]
    object_words: frozenset[str]
    # Stems of the verbs of paying: "can you pay my uber" asks for money, "can you get a taxi"
    # (with no amount after it) does not.
    pay_verbs: re.Pattern[str] | None


def _where(code: str, key: str) -> str:
    return f"{code}.toml:{key}"


def _objects(lexes: Iterable[Lexicon], common: lexicons.Common | None) -> dict[str, str]:
    """Sources of what may be asked for, by kind ("gift", "money"...) plus "currency" and
    "brand", in the words of ``lexes`` and, given ``common``, the international names."""
    shared = lexicons.common()
    # Not bounded here: each use bounds the whole (the things asked for, a pitch).
    brand = choices(shared.payment["brands"], {}, "common.toml:payment.brands")

    def kind(key: str, international: str | None = None) -> str:
        parts = [
            choices(entries, {"brand": brand}, _where(each.code, f"payment.{key}"))
            for each in lexes
            if (entries := each.payment.get(key, ()))
        ]
        if common is not None and international:
            where = f"common.toml:payment.{international}"
            parts.append(choices(common.payment[international], {}, where))
        return "|".join(parts) or "(?!)"

    currency = kind("currencies", "currencies")
    return {
        "gift": kind("gift_cards"),
        "service": kind("services", "services"),
        "bank": kind("bank"),
        "crypto": rf"(?:(?<![0-9a-z_.,]){_NUMBER} ?)?(?:{kind('crypto', 'crypto')})",
        "fee": kind("fees"),
        "fare": kind("fares", "fares"),
        "money": "|".join(
            [
                kind("money"),
                rf"(?:{currency}) ?{_NUMBER}(?!\d)",
                rf"(?<![0-9a-z_.,]){_NUMBER} ?(?:{currency})",
            ]
        ),
        "currency": currency,
        "brand": brand,
    }


def _grouped(objects: Mapping[str, str]) -> re.Pattern[str]:
    """What may be asked for, bounded as a word, each kind in its named group (its evidence)."""
    groups = "|".join(rf"(?P<{kind}>{objects[kind]})" for kind, _ in _OBJECT_KINDS)
    return re.compile(bounded(groups))


def _words_of(entries: Iterable[str], lists: Mapping[str, str], where: str) -> frozenset[str]:
    """The gate words of ``entries``: one of them is in every match of each."""
    words: set[str] = set()
    for index, entry in enumerate(entries):
        at = f"{where}[{index}]"
        words |= gate_words(compile_entry(entry, lists, at), at)
    return frozenset(words)


def _compile(lex: Lexicon, english: Lexicon, common: lexicons.Common) -> _Language:
    code = lex.code
    lists = {
        name: choices(entries, {}, _where(code, f"words.{name}"))
        for name, entries in lex.words.items()
    }
    own = [lex] if code == PIVOT else [lex, english]
    ending = lex.payment.get("amount_end", ())
    end_words = alternation(ending, {}, _where(code, "payment.amount_end")) if ending else "(?!)"
    sources = {
        **lists,
        **_objects(own, common),
        "amount": _BARE_AMOUNT,
        "end": rf"(?=\s*(?:{_CLAUSE_END}|{end_words}))",
        "start": _SENTENCE_START,
    }
    stops = lex.payment.get("clause", ())
    clause = alternation(stops, {}, _where(code, "payment.clause")) if stops else "(?!)"
    if lex.spaced:
        gap_word = rf"[\s,:]+(?!(?:{clause}))[^\s.!?;]+"
        # Before the verb, what is asked for may carry a glued ending: "택시비를", "parayı".
        gap = rf"[^\s.!?;,]{{0,4}}(?:{gap_word}){{0,6}}?[\s,:]*"
    else:
        gap_word = rf"(?!(?:{clause}))[^.!?;。！？；\n]"
        gap = rf"(?:{gap_word}){{0,12}}?"
    cues = phrases(lex.payment["cues"], sources, _where(code, "payment.cues"))
    amounts = phrases(lex.payment["amount_requests"], sources, _where(code, "amount_requests"))
    pitches = []
    for kind, entries in lex.pitches.items():
        confidence, evidence = _PITCHES[kind]
        found = phrases(entries, sources, _where(code, f"payment.pitches.{kind}"))
        pitches.append((found, confidence, evidence))
    brand = sources["brand"]
    object_words: set[str] = set()
    for key in ("money", "currencies", "gift_cards", "services", "bank", "crypto", "fees", "fares"):
        entries = lex.payment.get(key, ())
        object_words |= _words_of(entries, {"brand": brand}, _where(code, key))
    pay = lex.payment.get("pay_verbs", ())
    return _Language(
        code=code,
        pay_verbs=re.compile(choices(pay, {}, _where(code, "payment.pay_verbs"))) if pay else None,
        cues=cues,
        objects=None if code == PIVOT else _grouped(_objects([lex], None)),
        gap_word=re.compile(gap_word),
        gap=re.compile(gap),
        spaced=lex.spaced,
        object_first="object_verb" in lex.order,
        amounts=amounts,
        pitches=tuple(pitches),
        object_words=frozenset(object_words),
    )


def _gate_tags(name: str, found: Phrases) -> dict[str, frozenset[str]]:
    return {f"{name}>": found.leading, f"{name}~": found.required}


@dataclass(frozen=True, slots=True)
class _Book:
    languages: Mapping[str, _Language]
    # What may be asked for in English or by an international name, in every language.
    shared_objects: re.Pattern[str]


def _build() -> _Book:
    """Compile every language, and register the keywords that gate them with ``KEYWORDS``:
    where a language's phrases may start ("pay:cue:es>") or be near ("pay:cue:es~"), and
    where anything that may be asked for is ("pay:object")."""
    every = lexicons.load_lexicons()
    common = lexicons.common()
    languages = {code: _compile(lex, every[PIVOT], common) for code, lex in every.items()}
    tagged: dict[str, frozenset[str]] = {}
    objects: set[str] = set()
    for key, entries in common.payment.items():
        objects |= _words_of(entries, {}, f"common.toml:payment.{key}")
    for code, language in languages.items():
        tagged.update(_gate_tags(f"pay:cue:{code}", language.cues))
        tagged.update(_gate_tags(f"pay:amount:{code}", language.amounts))
        for index, (found, _, _) in enumerate(language.pitches):
            tagged.update(_gate_tags(f"pay:pitch{index}:{code}", found))
        objects |= language.object_words
    tagged[_OBJECT] = frozenset(objects)
    KEYWORDS.register(tagged)
    return _Book(
        languages=languages,
        shared_objects=_grouped(_objects([every[PIVOT]], common)),
    )


_OBJECT = "pay:object"  # its scope is "object"
_book = KEYWORDS.builds(_build)
_BLANKS = re.compile(r"[\s,:]*")
_ELIDED = re.compile(r"[a-z]{1,4}'")


def _object_at(language: _Language, text: str, start: int, end: int) -> re.Match[str] | None:
    """What may be asked for, starting at ``start`` and ending by ``end``."""
    for pattern in (language.objects, _book().shared_objects):
        if pattern is not None:
            match = pattern.match(text, start, end)
            if match:
                return match
    return None


def _asked_after(language: _Language, text: str, cue: re.Match[str]) -> re.Match[str] | None:
    """The thing asked for after the asking, a few words on at most, in the same clause."""
    cue_end = cue.end()
    end = min(len(text), cue_end + _REACH)
    pos = cue_end
    for _ in range(7 if language.spaced else 13):
        start = _BLANKS.match(text, pos).end() if language.spaced else pos
        found = _object_at(language, text, start, end)
        elided = _ELIDED.match(text, start) if found is None else None
        if elided:  # "l'uber", "dell'affitto"
            found = _object_at(language, text, elided.end(), end)
        if found and _acceptable(language, text, cue, found):
            return found
        step = language.gap_word.match(text, pos)
        if not step:
            return None
        pos = step.end()
    return None


def _asked_before(language: _Language, text: str, cue: re.Match[str]) -> re.Match[str] | None:
    """The thing asked for before the asking ("お金を送って"), nearest first."""
    cue_start = cue.start()
    low = max(0, cue_start - _REACH)
    for start in range(cue_start - 1, low - 1, -1):
        if language.spaced and start > 0 and not text[start - 1].isspace():
            continue  # things asked for start a word
        found = _object_at(language, text, start, cue_start)
        gapped = found is not None and language.gap.fullmatch(text, found.end(), cue_start)
        if found is not None and gapped and _acceptable(language, text, cue, found):
            return found
    return None


# An amount right after a ride or a bill asked to be paid: "cover my uber, 25 dollars".
_AMOUNT_AFTER = re.compile(r"[^\d\n]{0,25}?(?<![\d:])(?<!at )\d{2,}(?![\d:]|\s?(?:am|pm|h|min))")


def _acceptable(language: _Language, text: str, cue: re.Match[str], asked: re.Match[str]) -> bool:
    """Whether what follows (or precedes) the asking is asked for. A ride or a bill is when
    the asking is a verb of paying or an amount follows: "can you get a taxi?" asks for no
    money, "kannst du mir über (uber) Western Union helfen" is not about a ride."""
    if asked.group("fare") is None:
        return True
    if language.pay_verbs is not None and language.pay_verbs.search(cue.group()):
        return True
    return _AMOUNT_AFTER.match(text, max(asked.end(), cue.end())) is not None


def _past_tense(view: Normalized, text: str, start: int, end: int) -> bool:
    """Whether the cue at ``[start, end)`` of the view is written as a past tense."""
    low, high = view.to_original(start, end)
    for word in unicodedata.normalize("NFC", text[low:high]).lower().split():
        if _PAST_ENDING.search(word.rstrip(".,!?¡¿;:")):
            return True
    return False


def find_payment_requests(
    view: Normalized, languages: Iterable[str] | None = None, *, original: str | None = None
) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each request to
    pay, send or buy money, gift cards, crypto or fees, or to invest on a platform.

    ``languages`` are the languages the message may be in (ISO 639-1, English is added);
    None reads it in every language. ``original`` is the text the view was made from, which
    tells a Spanish past tense ("envié") from the Portuguese imperative it folds to.
    """
    text = view.text
    hits = KEYWORDS.hits(text)
    present: frozenset[str] = frozenset()
    for _, _, tags in hits:
        present |= scopes(tags, "pay:")
    if not present:
        return
    has_object = "object" in present
    has_amount = _DIGITS.search(text) is not None
    seen: set[tuple[int, int]] = set()

    spots = by_tag(hits, "pay:")

    def where(tag: str) -> tuple[list[int], list[tuple[int, int]]]:
        return [start for start, _ in spots.get(f"{tag}>", ())], spots.get(f"{tag}~", [])

    def found(match: re.Match[str], cue: tuple[int, int] | None) -> tuple[int, int] | None:
        if original is not None and cue is not None and _past_tense(view, original, *cue):
            return None
        span = view.to_original(*match.span())
        if span in seen:
            return None
        seen.add(span)
        return span

    for code in lexicons.resolve_languages(languages):
        if code not in present:
            continue  # no word of the language's asking, amounts or pitches is here
        language = _book().languages[code]
        lead, near = where(f"pay:cue:{code}")
        if has_object and (lead or near):
            for cue in language.cues.find(text, lead, near, before=_REACH, after=_REACH):
                asked = _asked_after(language, text, cue)
                span = (cue.start(), asked.end()) if asked else None
                if asked is None and language.object_first:
                    asked = _asked_before(language, text, cue)
                    span = (asked.start(), cue.end()) if asked else None
                if asked is None or span is None:
                    continue
                if original is not None and _past_tense(view, original, *cue.span()):
                    continue
                original_span = view.to_original(*span)
                if original_span in seen:
                    continue
                seen.add(original_span)
                kind = next(k for k, _ in _OBJECT_KINDS if asked.group(k) is not None)
                yield *original_span, _CONFIDENCE, _EVIDENCE[kind]
        lead, near = where(f"pay:amount:{code}")
        if has_amount and (lead or near):
            for match in language.amounts.find(text, lead, near, before=_REACH, after=_REACH):
                span = found(match, match.span())
                if span:
                    yield *span, _CONFIDENCE, _AMOUNT_EVIDENCE
        for index, (pitch, confidence, evidence) in enumerate(language.pitches):
            lead, near = where(f"pay:pitch{index}:{code}")
            if lead or near:
                for match in pitch.find(text, lead, near, before=_REACH, after=_REACH):
                    span = found(match, None)
                    if span:
                        yield *span, confidence, evidence
