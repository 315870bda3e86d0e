"""The final verdict on a message: deterministic findings (original, context, translations),
then the LLM scam score where it is worth paying for, through the policy in settings."""

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from django.conf import settings

from moderation.detectors import scan_with_context
from moderation.policy import MASK_CONTACTS, SEVERITY, Action, Verdict, decide
from moderation.scoring import ScoreResult, ScoringUnavailable, score_available_text
from moderation.signals import risk_signals
from translation.engine import CallContext

logger = logging.getLogger(__name__)

# Where a finding was made: its span points into the original, or into one translation
# ("translation:<language>").
ORIGINAL = "original"


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str
    findings: list[dict]
    score: ScoreResult | None = None
    # The scorer was asked and gave nothing usable: the deterministic verdict stands.
    score_failed: bool = False

    @property
    def withheld(self) -> bool:
        """Blocked or held: no reader sees the message (yet)."""
        return self.action in (Action.BLOCK, Action.HOLD)

    def as_dict(self) -> dict:
        """The decision as JSON, without the findings (stored beside it on the message)."""
        return {
            "action": str(self.action),
            "reason": self.reason,
            "score": asdict(self.score) if self.score is not None else None,
            "score_failed": self.score_failed,
        }

    @classmethod
    def from_dict(cls, data: dict, *, findings: list[dict]) -> "Decision":
        score = data.get("score")
        return cls(
            action=Action(data["action"]),
            reason=data.get("reason", ""),
            findings=findings,
            score=ScoreResult(**score) if score else None,
            score_failed=bool(data.get("score_failed")),
        )


def stricter(current: Verdict, other: Verdict) -> Verdict:
    return other if SEVERITY[other.action] > SEVERITY[current.action] else current


def tagged_findings(verdict: Verdict, where: str) -> list[dict]:
    """The verdict's findings as stored, each saying which text its span points into."""
    return [finding.to_dict() | {"in": where} for finding in verdict.findings]


def text_verdict(
    text: str,
    *,
    previous: Sequence[str] = (),
    region: str | None,
    regions: Sequence[str] = (),
    languages: Sequence[str] | None = None,
    mask_contacts: bool = False,
) -> Verdict:
    """Deterministic verdict on one text, read together with the sender's previous ones;
    phone numbers without a country code in `region`, then `regions`, and the cue words of
    `languages` (see detectors.scan).
    With `mask_contacts` (a conversation's first messages), contact details are masked rather
    than flagged, unless the settings' table says otherwise for a kind."""
    findings = scan_with_context(
        text, previous, region=region, regions=regions, languages=languages
    )
    actions = {**MASK_CONTACTS, **(settings.MODERATION_ACTIONS or {})} if mask_contacts else None
    return decide(findings, actions=actions or settings.MODERATION_ACTIONS or None)


def final_decision(
    verdict: Verdict,
    *,
    findings: list[dict],
    text: str,
    first_messages: bool,
    context: CallContext,
    languages: Sequence[str] | None = None,
    sample: Callable[[], float] = random.random,
) -> Decision:
    """Apply the LLM score bands and strict mode to a deterministic verdict; the risk
    vocabulary that makes a score worth asking for is read in `languages` (None: all)."""
    action, reason = verdict.action, verdict.reason
    score = None
    failed = False
    signals = risk_signals(text, verdict.findings, languages=languages)
    worth_it = (
        signals.worth_scoring or first_messages or sample() < settings.MODERATION_SCORE_SAMPLE_RATE
    )
    if action != Action.BLOCK and worth_it:
        try:
            score = score_available_text(text, context=context)
        except ScoringUnavailable:
            logger.warning("scam score unavailable; the deterministic verdict stands")
            failed = True
    if score is not None:
        banded = Action.ALLOW
        if score.score >= settings.MODERATION_SCORE_BLOCK:
            banded = Action.BLOCK
        elif score.score >= settings.MODERATION_SCORE_FLAG:
            banded = Action.FLAG
        if SEVERITY[banded] > SEVERITY[action]:
            action, reason = banded, "scam_score"
    if settings.MODERATION_STRICT and action in (Action.FLAG, Action.MASK):
        action = Action.HOLD
    return Decision(
        action=action,
        reason=reason,
        findings=findings,
        score=score,
        score_failed=failed,
    )
