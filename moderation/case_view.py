"""What a case page shows: findings highlighted in the text they were found in, finding rows,
audit details. Every piece of user text is escaped here or by format_html."""

from collections.abc import Iterable
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from chat.models import Message
from moderation.decisions import ORIGINAL
from moderation.models import ModerationCase


def highlight_findings(text: str, findings: Iterable[Any]) -> SafeString:
    """``text`` escaped, with each finding's span wrapped in ``<mark title="kind: evidence">``.

    Overlapping spans share one mark; a span that does not fit the text is left out rather
    than guessed at (the findings table still lists it).
    """
    spans: list[tuple[int, int, str]] = []
    for finding in findings or ():
        if not isinstance(finding, dict):
            continue
        start, end = finding.get("start"), finding.get("end")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            continue
        spans.append((start, end, f"{finding.get('kind', '')}: {finding.get('evidence', '')}"))
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, title in sorted(spans):
        if merged and start < merged[-1][1]:
            first, last, titles = merged[-1]
            merged[-1] = (first, max(last, end), titles if title in titles else [*titles, title])
        else:
            merged.append((start, end, [title]))
    parts: list[str] = []
    position = 0
    for start, end, titles in merged:
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark title="{}">{}</mark>', "; ".join(titles), text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    # Every part above is escaped or built by format_html.
    return mark_safe("".join(parts))


def username_of(user: Any) -> str:
    return user.get_username() if user is not None else ""


def findings_in(findings: Iterable[Any], where: str) -> list[dict]:
    """The findings made in one text: the original, or "translation:<language>"."""
    return [f for f in findings or () if isinstance(f, dict) and f.get("in", ORIGINAL) == where]


def finding_rows(case: ModerationCase, message: Message | None) -> list[dict[str, Any]]:
    """The findings as table rows, with the text each span covers in the text it was found in."""
    texts = {ORIGINAL: message.text if message is not None else ""}
    if message is not None:
        for translation in message.translations.all():
            texts[f"translation:{translation.language}"] = translation.text
    rows = []
    for finding in case.findings or ():
        if not isinstance(finding, dict):
            continue
        where = finding.get("in", ORIGINAL)
        text = texts.get(where, "")
        start, end = finding.get("start"), finding.get("end")
        fits = type(start) is int and type(end) is int and 0 <= start < end <= len(text)
        rows.append(
            {
                "kind": finding.get("kind", ""),
                "confidence": finding.get("confidence"),
                "evidence": finding.get("evidence", ""),
                "found_in": where,
                "matched": text[start:end] if fits else "",
            }
        )
    return rows


def detail_text(detail: Any) -> str:
    """An audit event's detail as ``key=value, ...``."""
    if not isinstance(detail, dict):
        return ""
    return ", ".join(f"{key}={value}" for key, value in sorted(detail.items()))
