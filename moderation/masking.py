"""The `mask` action: a contact detail replaced by a visible placeholder, so the message can be
delivered without it (a conversation's first messages, by default). Spans point into the
original; the text a moderator reads keeps everything."""

from collections.abc import Iterable

from moderation.detectors import Finding
from moderation.policy import MASKABLE

# What the reader sees in place of each kind the mask action may hide (policy.MASKABLE).
PLACEHOLDERS: dict[str, str] = {
    "phone": "[phone number hidden]",
    "email": "[e-mail address hidden]",
    "messenger_handle": "[contact hidden]",
}


def masked_text(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every maskable finding's span replaced by its placeholder (overlapping
    spans merge into one, the first kind naming it)."""
    spans = sorted(
        (f.start, f.end, f.kind)
        for f in findings
        if f.kind in MASKABLE and 0 <= f.start < f.end <= len(text)
    )
    parts: list[str] = []
    position = 0
    for start, end, kind in spans:
        if start < position:  # overlaps the previous span: extend it
            if end > position:
                position = end
            continue
        parts += [text[position:start], PLACEHOLDERS[kind]]
        position = end
    parts.append(text[position:])
    return "".join(parts)
