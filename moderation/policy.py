"""Turn detector findings into one verdict: allow, flag for review, hold, or block.

The kind → action mapping is default data; the pipeline may pass an override table (from
settings) to ``decide`` without touching code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from moderation.detectors import Finding, scan, scan_with_context
from moderation.numbers import language_regions

__all__ = [
    "ACTIONS",
    "REASONS",
    "Action",
    "Verdict",
    "check_text",
    "check_with_context",
    "decide",
]


class Action(StrEnum):
    ALLOW = "allow"
    FLAG = "flag"
    # Delivered with the contact detail replaced by a placeholder (moderation/masking.py), and
    # reviewed. Only contact kinds can be masked; for any other kind it reads as flag.
    MASK = "mask"
    HOLD = "hold"
    BLOCK = "block"


# Finding kind → what it does to the message, by default. Payment destinations and requests
# are the scam itself and never reach the other side; contact details and links move the chat
# off-platform and go to review (messaging deep links are "messenger_handle"); a mixed-script
# word is a signal for the scam scorer, not a verdict of its own.
ACTIONS: dict[str, Action] = {
    "crypto_wallet": Action.BLOCK,
    "iban": Action.BLOCK,
    "bic": Action.BLOCK,
    "payment_request": Action.BLOCK,
    "email": Action.FLAG,
    "phone": Action.FLAG,
    "messenger_handle": Action.FLAG,
    "url": Action.FLAG,
    "mixed_script": Action.ALLOW,
}
# Finding kind → stable reason code reported with a non-allow verdict; absent means the kind.
REASONS: dict[str, str] = {
    "email": "contact_sharing",
    "phone": "contact_sharing",
    "messenger_handle": "contact_sharing",
    "url": "link",
}
# A kind missing from the table (a detector newer than it) is flagged, not waved through.
_UNKNOWN_KIND_ACTION = Action.FLAG
SEVERITY = {Action.ALLOW: 0, Action.FLAG: 1, Action.MASK: 2, Action.HOLD: 3, Action.BLOCK: 4}
# What the mask action can hide (moderation/masking.py holds their placeholders).
MASKABLE = frozenset({"phone", "email", "messenger_handle"})
# The overrides that mask contact details instead of flagging them.
MASK_CONTACTS: dict[str, str] = dict.fromkeys(sorted(MASKABLE), "mask")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision for one text and every finding that was considered."""

    action: Action
    reason: str
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-serializable form, for audit rows and API payloads."""
        return {
            "action": str(self.action),
            "reason": self.reason,
            "findings": [finding.to_dict() for finding in self.findings],
        }


def decide(findings: Sequence[Finding], *, actions: Mapping[str, str] | None = None) -> Verdict:
    """Pick the strictest action any finding calls for: block, then hold, flag, allow.

    ``actions`` overrides the default table per kind ("allow", "flag", "hold" or "block");
    kinds it leaves out keep their default. Among findings of the same action the most
    confident one (then the earliest) decides the reason, so the reason names what a
    moderator should look at first. An unknown action name raises ValueError.
    """
    table: Mapping[str, Action] = ACTIONS
    if actions:
        table = {**ACTIONS, **{kind: Action(action) for kind, action in actions.items()}}
    deciding: Finding | None = None
    deciding_action = Action.ALLOW
    for finding in findings:
        action = table.get(finding.kind, _UNKNOWN_KIND_ACTION)
        if action is Action.MASK and finding.kind not in MASKABLE:
            action = Action.FLAG
        if action is Action.ALLOW:
            continue
        if deciding is None or (SEVERITY[action], finding.confidence) > (
            SEVERITY[deciding_action],
            deciding.confidence,
        ):
            deciding, deciding_action = finding, action
    if deciding is None:
        return Verdict(Action.ALLOW, "", tuple(findings))
    return Verdict(deciding_action, REASONS.get(deciding.kind, deciding.kind), tuple(findings))


def check_text(
    text: str, *, region: str | None = None, languages: Iterable[str] | None = None
) -> Verdict:
    """Scan ``text`` with every detector and decide.

    ``region`` (the sender's country) hints at phone number format; ``languages`` are those
    the message may be in: their cue words are read (with English's; None: every language)
    and their usual regions read numbers written without a country code after ``region``.
    """
    languages = tuple(languages) if languages is not None else None
    regions = language_regions(languages or ())
    return decide(scan(text, region=region, regions=regions, languages=languages))


def check_with_context(
    text: str,
    previous: Sequence[str],
    *,
    region: str | None = None,
    languages: Iterable[str] | None = None,
) -> Verdict:
    """Like :func:`check_text`, reading ``text`` with the sender's previous messages so that
    a number or handle sent in pieces is caught in the message that completes it."""
    languages = tuple(languages) if languages is not None else None
    regions = language_regions(languages or ())
    return decide(
        scan_with_context(text, previous, region=region, regions=regions, languages=languages)
    )
