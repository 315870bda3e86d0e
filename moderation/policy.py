"""Turn detector findings into one verdict: allow, flag for review, or block.

The mapping is a small data table so that it can move to settings without touching code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from moderation.detectors import Finding, scan

__all__ = ["ACTIONS", "REASONS", "Action", "Verdict", "check_text", "decide"]


class Action(StrEnum):
    ALLOW = "allow"
    FLAG = "flag"
    BLOCK = "block"


# Finding kind → what it does to the message. Payment identifiers are the scam itself and
# never reach the other side; contact details move the chat off-platform and go to review;
# an ordinary link is recorded but allowed (messaging deep links are "messenger_handle").
ACTIONS: dict[str, Action] = {
    "crypto_wallet": Action.BLOCK,
    "iban": Action.BLOCK,
    "email": Action.FLAG,
    "phone": Action.FLAG,
    "messenger_handle": Action.FLAG,
    "url": Action.ALLOW,
}
# Finding kind → stable reason code reported with a non-allow verdict; absent means the kind.
REASONS: dict[str, str] = {
    "email": "contact_sharing",
    "phone": "contact_sharing",
    "messenger_handle": "contact_sharing",
}
# A kind missing from ACTIONS (a detector newer than this table) is flagged, not waved through.
_UNKNOWN_KIND_ACTION = Action.FLAG
_SEVERITY = {Action.ALLOW: 0, Action.FLAG: 1, Action.BLOCK: 2}


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


def decide(findings: Sequence[Finding]) -> Verdict:
    """Pick the strictest action any finding calls for; block beats flag beats allow.

    Among findings of the same action the most confident one (then the earliest) decides
    the reason, so the reason names what a moderator should look at first.
    """
    deciding: Finding | None = None
    deciding_action = Action.ALLOW
    for finding in findings:
        action = ACTIONS.get(finding.kind, _UNKNOWN_KIND_ACTION)
        if action is Action.ALLOW:
            continue
        if deciding is None or (_SEVERITY[action], finding.confidence) > (
            _SEVERITY[deciding_action],
            deciding.confidence,
        ):
            deciding, deciding_action = finding, action
    if deciding is None:
        return Verdict(Action.ALLOW, "", tuple(findings))
    return Verdict(deciding_action, REASONS.get(deciding.kind, deciding.kind), tuple(findings))


def check_text(text: str, *, region: str | None = None) -> Verdict:
    """Scan ``text`` with every detector and decide; ``region`` hints at phone number format."""
    return decide(scan(text, region=region))
