"""Risk signals say when a scam score is worth paying for, in six languages."""

import dataclasses

import pytest

from moderation.detectors import Finding, scan
from moderation.signals import RiskSignals, risk_signals


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("I'm a military doctor on a UN mission", "military deployment"),
        ("I work on an oil rig in the North Sea", "oil rig"),
        ("my inheritance is stuck at customs", "inheritance"),
        ("I'm stuck abroad and need help with hospital bills", "stuck abroad"),
        ("let me teach you crypto trading", "crypto"),
        ("I can be your sugar daddy, weekly allowance", "sugar daddy"),
        ("soy médico militar en una misión de paz", "military deployment"),
        ("je travaille sur une plateforme pétrolière", "oil rig"),
        ("ich brauche Geld für die Krankenhausrechnung", "hospital bills"),
        ("ho un'eredità bloccata in dogana", "inheritance"),
        ("preciso de um empréstimo para a alfândega", "loan"),
        ("guaranteed returns on my investment plan", "investment"),
    ],
)
def test_romance_scam_vocabulary_is_a_risky_term(text, term):
    signals = risk_signals(text, scan(text))
    assert term in signals.risky_terms
    assert signals.worth_scoring


def test_terms_are_canonical_labels_listed_once_in_order_of_appearance():
    text = "Bitcoin wallet, more bitcoin, then the oil rig"
    assert risk_signals(text, []).risky_terms == ("crypto", "wallet", "oil rig")


def test_mixed_script_alone_is_worth_scoring():
    text = "h\u0435llo th\u0435re"
    signals = risk_signals(text, [])
    assert signals == RiskSignals(mixed_script=True, risky_terms=(), has_findings=False)
    assert signals.worth_scoring


def test_findings_alone_are_worth_scoring():
    finding = Finding("url", 0, 5, 0.3, "link to a.com")
    signals = risk_signals("a.com", [finding])
    assert signals.has_findings and signals.worth_scoring


@pytest.mark.parametrize(
    "text",
    [
        "see you at 7, bring snacks",
        "¿quedamos mañana para cenar?",
        "je suis prêt, on y va",
        "Hast du heute Abend Zeit?",
        "ci vediamo domani al bar",
        "vamos ao cinema amanhã?",
    ],
)
def test_ordinary_chat_is_not_worth_scoring(text):
    signals = risk_signals(text, scan(text))
    assert signals == RiskSignals(mixed_script=False, risky_terms=(), has_findings=False)
    assert not signals.worth_scoring


def test_signals_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        risk_signals("ok", []).mixed_script = True  # type: ignore[misc]
