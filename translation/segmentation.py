"""Split long messages at sentence boundaries, and put the translated pieces back together.

Pieces of a long message are translated in parallel and cached one by one (a pasted paragraph
that reappears with one sentence changed costs one call, not a whole new translation). Each
piece is a run of whole sentences up to a size limit; the whitespace after a piece is kept
aside as its separator, because models trim whitespace, and put back on join.

Only a sentence longer than the limit is cut inside: after its last clause mark (comma,
semicolon, colon) in the second half of the limit, else at its last whitespace, else after any
clause mark, and as a last resort at the limit itself, never inside a grapheme cluster or a
⟦n⟧ placeholder when that can be helped.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

__all__ = ["Segment", "join_segments", "split_sentences"]

# A candidate sentence end: a run of terminators (with closing quotes or brackets) followed by
# whitespace; a CJK full stop, whose sentence may be followed by the next with no space; or a
# newline, which always ends a sentence.
_CANDIDATE = regex.compile(
    r"""
    (?P<end>[.!?…‼⁇⁈⁉]+[\"'”’»)\]]*)(?P<space>\s+)
  | (?P<cjk_end>[。！？]+[」』”’)）]*)(?P<cjk_space>\s*)
  | (?P<newline>\s*\n\s*)
    """,
    regex.VERBOSE,
)
# Words that end in a full stop without ending the sentence: titles before a name and a few
# common Latin and European abbreviations. "No." and "etc." are left out: both often end one.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "sra", "srta", "jr", "st", "mt", "vs", "approx",
    "dept", "fig", "vol", "cf", "sgt", "capt", "gen", "col", "lt", "rev", "hon", "mme", "mlle",
    "hr", "hrn", "fr", "bzw", "usw", "ggf", "inkl", "ca", "tel", "str", "av", "avda", "dña",
    "dra", "lic", "ing", "sto", "sta", "pág", "pag", "ej", "ecc", "sig", "sigg", "dott",
})  # fmt: skip
# The word before a full stop: letters, possibly with inner full stops ("e.g", "U.S") or
# apostrophes ("Mary's", which is no initial).
_WORD_BEFORE = regex.compile(r"(?<![\p{L}\p{M}'’])[\p{L}\p{M}]+(?:['’.][\p{L}\p{M}]+)*$")
_CLAUSE_MARKS = frozenset(",;:，、；：،")
# Never cut a placeholder (translation/masking.py) in two.
_PLACEHOLDER = re.compile(r"⟦[0-9]*⟧?")
_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a message and the whitespace that followed it in the original."""

    text: str
    separator: str


def split_sentences(text: str, *, max_chars: int) -> list[Segment]:
    """Split `text` into pieces of at most `max_chars` characters, at sentence boundaries.

    Consecutive sentences are packed greedily into each piece. Joining the pieces, each followed
    by its separator, gives back `text` exactly. A text of at most `max_chars` characters
    (trailing whitespace aside) is a single piece.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    body = text.rstrip()
    trailing = text[len(body) :]
    if len(body) <= max_chars:
        return [Segment(body, trailing)]
    pieces: list[tuple[str, str]] = []
    for sentence, separator in _sentences(body):
        if len(sentence) <= max_chars:
            pieces.append((sentence, separator))
        else:
            pieces.extend(_cut_long(sentence, separator, max_chars))
    segments: list[Segment] = []
    current, current_separator = pieces[0]
    for piece, separator in pieces[1:]:
        if len(current) + len(current_separator) + len(piece) <= max_chars:
            current = current + current_separator + piece
        else:
            segments.append(Segment(current, current_separator))
            current = piece
        current_separator = separator
    segments.append(Segment(current, current_separator + trailing))
    return segments


def join_segments(translated: Sequence[str], segments: Sequence[Segment]) -> str:
    """The translated pieces in order, each followed by its original separator."""
    if len(translated) != len(segments):
        raise ValueError(f"{len(translated)} translated pieces for {len(segments)} segments")
    pairs = zip(translated, segments, strict=True)
    return "".join(piece + segment.separator for piece, segment in pairs)


def _sentences(body: str) -> list[tuple[str, str]]:
    """(sentence, following whitespace) pairs covering `body`, which has no trailing space."""
    sentences = []
    start = 0
    for match in _CANDIDATE.finditer(body):
        if match.group("newline") is not None:
            gap_start = match.start()
        elif match.group("cjk_end") is not None:
            gap_start = match.start("cjk_space")
        else:
            gap_start = match.start("space")
            if not _ends_sentence(body, match):
                continue
        if gap_start > start:
            sentences.append((body[start:gap_start], body[gap_start : match.end()]))
            start = match.end()
    sentences.append((body[start:], ""))
    return sentences


def _ends_sentence(body: str, match: regex.Match) -> bool:
    """Whether a terminator followed by whitespace really ends a sentence."""
    if "\n" in match.group("space"):
        return True
    terminators = match.group("end").rstrip("\"'”’»)]")
    if len(terminators) != len(match.group("end")) or terminators in ("?", "!"):
        return True
    if not terminators.strip(".…") and (len(terminators) > 1 or terminators == "…"):
        # An ellipsis trails off within a sentence unless a new one visibly starts.
        following = body[match.end()] if match.end() < len(body) else ""
        return following.isupper() or following in "¿¡"
    if terminators != ".":
        return True
    word = _WORD_BEFORE.search(body, max(0, match.start() - 32), match.start())
    if word is None:
        return True
    # Initials ("J. Smith"), dotted abbreviations ("e.g.", "U.S.") and known short forms.
    text = word.group()
    return not (len(text) == 1 or "." in text or text.lower() in _ABBREVIATIONS)


def _cut_long(sentence: str, separator: str, max_chars: int) -> list[tuple[str, str]]:
    """Cut a sentence longer than `max_chars` into pieces that fit."""
    pieces = []
    start = 0
    while len(sentence) - start > max_chars:
        cut, resume = _cut_point(sentence, start, max_chars)
        pieces.append((sentence[start:cut], sentence[cut:resume]))
        start = resume
    pieces.append((sentence[start:], separator))
    return pieces


def _cut_point(sentence: str, start: int, max_chars: int) -> tuple[int, int]:
    """Where the piece starting at `start` ends, and where the next one begins."""
    limit = start + max_chars
    content = start
    while content < limit and sentence[content].isspace():
        content += 1  # leading whitespace of the message: cutting inside it gives nothing
    last_space = last_clause = -1
    for index in range(limit, content, -1):
        if last_space < 0 and sentence[index].isspace() and not sentence[index - 1].isspace():
            last_space = index
        if last_clause < 0 and sentence[index - 1] in _CLAUSE_MARKS:
            last_clause = index
        if last_space >= 0 and last_clause >= 0:
            break
    if last_clause >= 0 and (last_space < 0 or last_clause >= start + max_chars // 2):
        cut = last_clause
    elif last_space >= 0:
        cut = last_space
    else:
        cut = _hard_cut(sentence, start, limit)
    resume = cut
    while resume < len(sentence) and sentence[resume].isspace():
        resume += 1
    return cut, resume


def _hard_cut(sentence: str, start: int, limit: int) -> int:
    """The last grapheme boundary at or before `limit` that is not inside a placeholder."""
    cut = start
    for cluster in _GRAPHEME.finditer(sentence, start, limit + 1):
        if cluster.end() > limit:
            break
        cut = cluster.end()
    for placeholder in _PLACEHOLDER.finditer(sentence, max(start, cut - 16), cut + 16):
        if placeholder.start() < cut < placeholder.end():
            cut = placeholder.start()
    return cut if cut > start else limit
