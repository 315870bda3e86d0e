"""The policy turns findings into one verdict: block beats hold beats flag beats allow."""

import pytest

from moderation.detectors import KINDS, Finding
from moderation.policy import (
    ACTIONS,
    Action,
    Verdict,
    check_text,
    check_with_context,
    decide,
)


def _finding(kind: str, confidence: float = 0.9, start: int = 0) -> Finding:
    return Finding(kind, start, start + 5, confidence, f"{kind} evidence")


def test_every_detector_kind_has_an_action():
    assert set(KINDS) == set(ACTIONS)


def test_no_findings_allows_with_an_empty_reason():
    assert decide([]) == Verdict(Action.ALLOW, "", ())


@pytest.mark.parametrize(
    ("kind", "action", "reason"),
    [
        ("crypto_wallet", Action.BLOCK, "crypto_wallet"),
        ("iban", Action.BLOCK, "iban"),
        ("bic", Action.BLOCK, "bic"),
        ("payment_request", Action.BLOCK, "payment_request"),
        ("email", Action.FLAG, "contact_sharing"),
        ("phone", Action.FLAG, "contact_sharing"),
        ("messenger_handle", Action.FLAG, "contact_sharing"),
        ("url", Action.FLAG, "link"),
        ("mixed_script", Action.ALLOW, ""),
    ],
)
def test_each_kind_alone_maps_to_its_action_and_reason(kind, action, reason):
    verdict = decide([_finding(kind)])
    assert (verdict.action, verdict.reason) == (action, reason)
    assert verdict.findings == (_finding(kind),)


def test_block_beats_flag_whatever_the_order_and_confidence():
    findings = [_finding("phone", 0.99), _finding("iban", 0.5, start=10), _finding("email")]
    verdict = decide(findings)
    assert (verdict.action, verdict.reason) == (Action.BLOCK, "iban")
    assert verdict.findings == tuple(findings)


def test_most_confident_finding_decides_the_reason_among_equals():
    verdict = decide([_finding("crypto_wallet", 0.6), _finding("iban", 0.99, start=10)])
    assert verdict.reason == "iban"


def test_a_kind_the_table_does_not_know_is_flagged_under_its_own_name():
    verdict = decide([_finding("gift_card")])
    assert (verdict.action, verdict.reason) == (Action.FLAG, "gift_card")


def test_verdict_to_dict_is_plain_data():
    verdict = decide([_finding("email")])
    assert verdict.to_dict() == {
        "action": "flag",
        "reason": "contact_sharing",
        "findings": [_finding("email").to_dict()],
    }


@pytest.mark.parametrize(
    ("text", "action", "reason"),
    [
        ("send 0.1 btc to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", Action.BLOCK, "crypto_wallet"),
        ("pay to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed pls", Action.BLOCK, "crypto_wallet"),
        ("IBAN DE89 3704 0044 0532 0130 00, add me on telegram", Action.BLOCK, "iban"),
        ("add me on telegram", Action.FLAG, "contact_sharing"),
        ("t.me/julie_88", Action.FLAG, "contact_sharing"),
        ("julia at gmail dot com", Action.FLAG, "contact_sharing"),
        ("call me +44 7911 123456", Action.FLAG, "contact_sharing"),
        ("look at https://example.com/menu", Action.FLAG, "link"),
        ("BIC: DEUTDEFF", Action.BLOCK, "bic"),
        ("can you send me a steam card?", Action.BLOCK, "payment_request"),
        ("mándame 200 euros por western union", Action.BLOCK, "payment_request"),
        ("add me on t\u0435l\u0435gram", Action.FLAG, "contact_sharing"),
        ("h\u0435llo th\u0435re", Action.ALLOW, ""),
        ("send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", Action.ALLOW, ""),
        ("see you at 7, I paid 25.50 for it", Action.ALLOW, ""),
    ],
)
def test_check_text_scans_and_decides(text, action, reason):
    verdict = check_text(text)
    assert (verdict.action, verdict.reason) == (action, reason)


def test_ordinary_link_goes_to_review_as_a_link():
    verdict = check_text("look at https://example.com/menu")
    assert [f.kind for f in verdict.findings] == ["url"]
    assert (verdict.action, verdict.reason) == (Action.FLAG, "link")


def test_region_hint_reaches_phone_detection():
    assert check_text("call 07911 123456", region="GB").findings[0].confidence == 0.9


def test_hold_sits_between_flag_and_block():
    findings = [_finding("phone"), _finding("url", start=10)]
    verdict = decide(findings, actions={"url": "hold"})
    assert (verdict.action, verdict.reason) == (Action.HOLD, "link")
    findings.append(_finding("iban", 0.5, start=20))
    assert decide(findings, actions={"url": "hold"}).action is Action.BLOCK


def test_override_table_changes_only_the_kinds_it_names():
    findings = [_finding("phone"), _finding("mixed_script", start=10)]
    assert decide(findings, actions={"phone": "allow"}) == Verdict(
        Action.ALLOW, "", tuple(findings)
    )
    verdict = decide(findings, actions={"mixed_script": "flag"})
    assert (verdict.action, verdict.reason) == (Action.FLAG, "contact_sharing")
    assert decide([_finding("iban")], actions={"phone": "allow"}).action is Action.BLOCK


def test_override_with_an_unknown_action_name_is_an_error():
    with pytest.raises(ValueError):
        decide([_finding("phone")], actions={"phone": "quarantine"})


def test_the_default_table_is_not_changed_by_an_override():
    decide([_finding("url")], actions={"url": "block"})
    assert ACTIONS["url"] is Action.FLAG


def test_check_with_context_decides_on_what_the_previous_messages_complete():
    verdict = check_with_context("telegram", ["add me on"])
    assert (verdict.action, verdict.reason) == (Action.FLAG, "contact_sharing")
    assert verdict.findings[0].evidence.endswith("(across messages)")
    assert check_with_context("sounds good", ["add me on telegram"]).action is Action.ALLOW
    assert check_with_context("call 07911 123456", [], region="GB").action is Action.FLAG


@pytest.mark.parametrize(
    ("text", "languages", "region"),
    [
        ("escríbeme al 612 78 69 46, aquí casi no entro", ["es"], "ES"),
        ("napisz do mnie na 512 632 543", ["pl"], "PL"),
        ("liga-me para o 912 894 297 depois do trabalho", ["pt"], "PT"),
        ("пиши мне на 8 (912) 599-14-23", ["ru"], "RU"),
        ("my cell is (201) 579-7529, call after 6", ["en"], "US"),
    ],
)
def test_a_local_number_is_read_in_the_regions_of_the_messages_languages(text, languages, region):
    verdict = check_text(text, languages=languages)
    [phone] = [f for f in verdict.findings if f.kind == "phone"]
    assert phone.evidence == f"phone number ({region})"


def test_no_languages_reads_every_lexicon():
    """A text whose language cannot be told is read with every language's cue words."""
    assert check_text("kasia małpa onet kropka pl").action != "allow"
    assert check_text("kasia małpa onet kropka pl", languages=["es"]).action == "allow"
