"""Detectors find contact details and links, with spans in the original text; the scan as a
whole and the scan with the sender's previous messages."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.detectors import KINDS, Finding, scan, scan_with_context


def _found(text: str, kind: str, *, region: str | None = None) -> list[str]:
    """The original substrings reported as ``kind``."""
    return [text[f.start : f.end] for f in scan(text, region=region) if f.kind == kind]


def _only(text: str, kind: str, *, region: str | None = None) -> Finding:
    findings = [f for f in scan(text, region=region) if f.kind == kind]
    assert len(findings) == 1, findings
    return findings[0]


# --- e-mail ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "julia.smith+dating@gmail.com",
        "julia at gmail dot com",
        "julia(at)gmail(dot)com",
        "julia [at] gmail [dot] com",
        "julia {at} mail {dot} co {dot} uk",
        "julia at gmail.com",
        "julia arroba hotmail punto com",
        "julia @ gmail . com",
        "JULIA@GMAIL.COM",
        "julia arroba gmail punto com",
        "julia arobase gmail point com",
        "julia at gmx punkt de",
        "julia chiocciola libero punto it",
        "julia arroba uol ponto com",
        "julia＠gmail．com",
        "ｊｕｌｉａ@gmail.com",
    ],
)
def test_email_plain_and_obfuscated_is_found_with_its_exact_span(address):
    text = f"write me: {address} ok?"
    assert _found(text, "email") == [address]


def test_obfuscated_email_has_lower_confidence_than_plain():
    assert (
        _only("julia at gmail dot com", "email").confidence < _only("j@x.com", "email").confidence
    )


@pytest.mark.parametrize(
    "text",
    [
        "see you at 7",
        "I'll be at home.Later we go out",
        "we were at uni.so tired",
        "meet me at the station at 5.30",
        "a@b",
        "email me when you can",
    ],
)
def test_ordinary_text_with_at_and_dots_is_no_email(text):
    assert _found(text, "email") == []


def test_domain_of_an_email_is_not_also_a_link():
    assert [f.kind for f in scan("julia@gmail.com")] == ["email"]


# --- links -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "platform"),
    [
        ("https://t.me/julie_88", "telegram"),
        ("t.me/julie_88", "telegram"),
        ("telegram.me/julie_88", "telegram"),
        ("wa.me/447911123456", "whatsapp"),
        ("https://chat.whatsapp.com/AbCdEf123", "whatsapp"),
        ("https://api.whatsapp.com/send?phone=447911123456", "whatsapp"),
        ("snapchat.com/add/julie", "snapchat"),
        ("https://www.instagram.com/julie/", "instagram"),
        ("line.me/ti/p/abc", "line"),
        ("kik.me/julie", "kik"),
        ("discord.gg/abc123", "discord"),
        ("https://discord.com/invite/abc123", "discord"),
        ("m.me/julie", "messenger"),
        ("https://signal.me/#p/+447911123456", "signal"),
        ("tiktok.com/@julie", "tiktok"),
        ("tg://resolve?domain=julie", "telegram"),
    ],
)
def test_messaging_and_social_deep_links_are_handles(link, platform):
    text = f"find me here {link}"
    finding = _only(text, "messenger_handle")
    assert text[finding.start : finding.end] == link
    assert finding.evidence.startswith(platform)
    assert finding.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("look https://example.com/menu.", "https://example.com/menu"),
        ("the site www.bbc.co.uk is down", "www.bbc.co.uk"),
        ("booked on booking.com!", "booking.com"),
        ("see instagram.com for details", "instagram.com"),
        ("discord.com/channels/1/2", "discord.com/channels/1/2"),
    ],
)
def test_ordinary_links_are_reported_as_low_confidence_urls(text, link):
    finding = _only(text, "url")
    assert text[finding.start : finding.end] == link
    assert finding.confidence < 0.5
    assert _found(text, "messenger_handle") == []


@pytest.mark.parametrize(
    "text", ["Howz pain.it will come down", "saw your message.it k", "UP 2.IM IN"]
)
def test_word_dot_word_typos_are_not_links(text):
    assert scan(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "evidence"),
    [
        ("t dot me slash julie88", "messenger_handle", "telegram link (t.me), spelled out"),
        (
            "wa (dot) me slash 447911123456",
            "messenger_handle",
            "whatsapp link (wa.me), spelled out",
        ),
        ("visit julie dot com", "url", "link to julie.com, spelled out"),
        ("instagram punto com barra julie", "messenger_handle", "instagram link"),
    ],
)
def test_links_read_out_in_words_are_found(text, kind, evidence):
    finding = [f for f in scan(text) if f.kind == kind][0]
    assert finding.evidence.startswith(evidence)
    assert finding.end == len(text)


@pytest.mark.parametrize(
    "text",
    ["c'est le point de vue", "el punto es que no", "I'm at the dot of noon", "Punkt drei Uhr"],
)
def test_dot_words_in_prose_are_no_link(text):
    assert _found(text, "url") == []


# --- the scan as a whole ---------------------------------------------------------------------


def test_findings_are_sorted_by_start_and_use_known_kinds():
    text = (
        "mail julia@gmail.com, call +44 7911 123456, add me on kik, "
        "pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa or DE89370400440532013000, see https://example.com"
    )
    findings = scan(text)
    assert [f.kind for f in findings] == [
        "email",
        "phone",
        "messenger_handle",
        "crypto_wallet",
        "iban",
        "url",
    ]
    assert findings == sorted(findings, key=lambda f: f.start)
    assert {f.kind for f in findings} <= set(KINDS)


def test_finding_to_dict_is_plain_data():
    finding = Finding("email", 0, 7, 0.95, "e-mail address")
    assert finding.to_dict() == {
        "kind": "email",
        "start": 0,
        "end": 7,
        "confidence": 0.95,
        "evidence": "e-mail address",
    }


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ok",
        "Привет, как дела? Что делаешь сегодня вечером?",
        "你好，你今天怎么样？",
        "こんにちは、元気ですか？",
        "😀😀😀 lol",
        "ok lar... joking wif u oni",
    ],
)
def test_ordinary_text_in_any_script_has_no_findings(text):
    assert scan(text) == []


def test_mixed_script_word_is_reported_as_a_signal_with_its_span():
    text = "add me on t\u0435l\u0435gram"
    [finding] = [f for f in scan(text) if f.kind == "mixed_script"]
    assert text[finding.start : finding.end] == "t\u0435l\u0435gram"
    assert _found("Привет John, ok", "mixed_script") == []


_CHAT_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCTXYZ0123456789.,:;-_+@/()[]?!'$€\n")
    + ["\u200b", "\u0435", "\u0430", "é", "ｔ", "𝐭", "\U0001f1f9", "ß", "İ", "ﬁ", "\u0301"]
    + ["\u202e", "\u202c", "\ufe0f", "\u20e3", "⒯", "ⓣ", "ᴛ", "٣"]
    + [" at ", " dot ", "telegram", "whatsapp", "my insta is ", "add me on ", "wa.me/", "+44 "]
    + [" slash ", "send me ", " steam card", " zero ", " seven ", "BIC ", "DEUTDEFF", "07911"]
)
_CHAT = st.one_of(st.text(), st.lists(_CHAT_ALPHABET, max_size=40).map("".join))


def _assert_well_formed(findings: list[Finding], text: str) -> None:
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end]
        assert finding.kind in KINDS
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.evidence


@settings(max_examples=300, deadline=None)
@given(_CHAT)
def test_scan_never_raises_and_spans_lie_within_the_original(text):
    _assert_well_formed(scan(text, region="GB"), text)


# --- the scan with the sender's previous messages --------------------------------------------


@pytest.mark.parametrize(
    ("previous", "text", "kind", "part"),
    [
        (["my number is", "07911"], "123456", "phone", "123456"),
        (["+44 79", "11 12"], "3456 ok", "phone", "3456"),
        (["add me on"], "telegram", "messenger_handle", "telegram"),
        (["my insta is"], "julie_88", "messenger_handle", "julie_88"),
        (["add me on", "t", "e", "l", "e", "g", "r", "a"], "m", "messenger_handle", "m"),
        (["julia"], "@gmail.com", "email", "@gmail.com"),
        (["zero seven nine one one"], "one two three four five six", "phone", None),
        (["can you send me"], "a steam card?", "payment_request", "a steam card"),
        (["1A1zP1eP5QGefi2D"], "MPTfTL5SLmv7DivfNa", "crypto_wallet", "MPTfTL5SLmv7DivfNa"),
    ],
)
def test_something_split_across_messages_is_caught_in_the_one_that_completes_it(
    previous, text, kind, part
):
    assert [f for f in scan(text, region="GB") if f.kind == kind] == []
    [finding] = [f for f in scan_with_context(text, previous, region="GB") if f.kind == kind]
    assert finding.evidence.endswith("(across messages)")
    assert finding.start == 0
    assert text[finding.start : finding.end] == (part or text)


def test_context_keeps_the_new_messages_own_findings():
    text = "call me 07911 123456"
    assert scan_with_context(text, ["hi", "how are you"], region="GB") == scan(text, region="GB")


def test_findings_wholly_inside_earlier_messages_are_not_reported_again():
    assert scan_with_context("ok see you", ["call me 07911 123456", "add me on kik"]) == []


def test_the_messages_given_are_the_window_and_talk_in_between_breaks_a_phrase():
    assert scan_with_context("telegram", ["add me on", "hi", "hi"]) == []
    assert scan_with_context("telegram", ["add me on"])


_WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.mark.parametrize(
    ("previous", "text", "kind"),
    [
        # Six pieces, with filler between some of them: eight messages before this one.
        (["my number", "+44", "lol", "79", "11", "wait", "12", "34"], "56", "phone"),
        (["+44 79", "haha", "11 12", "one sec", "34"], "56 ok?", "phone"),
        (["0 7 9", "ok", "1 1 1", "hm", "2 3 4"], "5 6", "phone"),
        (
            ["send to", "1A1zP1", "hold on", "eP5QGe", "fi2DMP", "sorry", "TfTL5S"],
            "Lmv7DivfNa",
            "crypto_wallet",
        ),
        (["DE89", "3704", "wait", "0044", "0532", "lol", "0130"], "00", "iban"),
    ],
)
def test_an_identifier_split_over_six_messages_with_filler_between_is_caught(previous, text, kind):
    assert len(previous) <= 8  # within the default MODERATION_CONTEXT_MESSAGES
    findings = [f for f in scan_with_context(text, previous, region="GB") if f.kind == kind]
    assert findings, (previous, text)
    assert findings[0].evidence.endswith("(across messages)")
    assert findings[0].start == 0


@pytest.mark.parametrize(
    ("previous", "text"),
    [
        (["2", "lol", "15", "ok", "1990", "yes"], "300"),  # answers, not a number in pieces
        (["how old?", "25", "and you", "31"], "1990"),
        (["1A1zP1", "hold on", "eP5QGe"], "XXXXXX"),  # a checksum that fails
        (["AB12", "lol", "CD34", "EF56", "GH78", "IJ90"], "KL12"),
    ],
)
def test_numbers_in_separate_messages_are_not_glued_into_an_identifier(previous, text):
    assert scan_with_context(text, previous, region="US") == []


def test_a_local_number_in_pieces_is_read_in_the_conversations_regions():
    previous = ["mi número", "612", "jaja", "34 56"]
    assert scan_with_context("78", previous) == []
    [finding] = scan_with_context("78", previous, regions=("ES",))
    assert finding.kind == "phone" and finding.evidence.endswith("(across messages)")


@settings(max_examples=200, deadline=None)
@given(_CHAT, st.lists(_CHAT, max_size=4))
def test_scan_with_context_never_raises_and_spans_lie_within_the_new_text(text, previous):
    _assert_well_formed(scan_with_context(text, previous, region="GB"), text)


@pytest.mark.parametrize(
    ("previous", "text"),
    [
        (["call me", "+44"], "7911 123456"),
        (["+44", "7911"], "123456"),
        (["my number", "07911"], "123 456"),
        (["07911 😘"], "123 😘 456"),
        (["zero seven nine one one"], "one two three four five six"),
    ],
)
def test_a_number_that_goes_on_from_the_last_messages_into_this_one_is_found(previous, text):
    findings = scan_with_context(text, previous, region="GB")
    assert [f.kind for f in findings] == ["phone"]
    assert findings[0].evidence.endswith("(across messages)")


def test_numbers_in_earlier_messages_that_do_not_run_into_this_one_are_not_read_again():
    """Two numbers, each whole in its own message, with talk between them: nothing new."""
    findings = scan_with_context("ok 12 people", ["07911 123456 is mine", "and"], region="GB")
    assert findings == []


@pytest.mark.parametrize("cut", [10, 31, 52])
def test_the_longest_wallet_address_split_over_two_messages_is_found(cut):
    """A 62-character taproot address (BIP 350's example) fits the window on either side."""
    address = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"
    assert [f.kind for f in scan(address)] == ["crypto_wallet"]
    findings = scan_with_context(address[cut:], [f"send it here {address[:cut]}"])
    assert [f.kind for f in findings] == ["crypto_wallet"]
