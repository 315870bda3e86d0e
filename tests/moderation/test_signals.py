"""Risk signals say when a scam score is worth paying for, in every language."""

import dataclasses

import pytest

from moderation.detectors import Finding, scan
from moderation.signals import RiskSignals, risk_signals, risky_terms


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


SCRIPTS = {
    "en": [
        ("hi, is this Mark? sorry, wrong number", "wrong number"),
        ("my uncle is an analyst, he gets insider tips", "investment"),
        ("your parcel is held at customs", "customs fee"),
        ("my daughter is in the hospital", "hospital bills"),
        ("I work on an oil rig in the North Sea", "oil rig"),
    ],
    "es": [
        ("perdón, número equivocado", "wrong number"),
        ("soy médico militar", "military deployment"),
    ],
    "pt": [
        ("desculpa, número errado", "wrong number"),
        ("meu filho está internado", "hospital bills"),
    ],
    "fr": [
        ("désolée, mauvais numéro", "wrong number"),
        ("ton colis est bloqué à la douane", "customs fee"),
    ],
    "de": [
        ("sorry, falsche Nummer", "wrong number"),
        ("ich arbeite auf einer Bohrinsel", "oil rig"),
    ],
    "it": [
        ("scusa, numero sbagliato", "wrong number"),
        ("il pacco è fermo in dogana", "customs fee"),
    ],
    "nl": [("sorry, verkeerd nummer", "wrong number"), ("ik werk op een booreiland", "oil rig")],
    "pl": [
        ("przepraszam, pomyłka", "wrong number"),
        ("jestem lekarzem wojskowym", "military deployment"),
    ],
    "ru": [
        ("ой, ошиблась номером", "wrong number"),
        ("посылка застряла на таможне", "customs fee"),
    ],
    "uk": [("вибачте, помилилася номером", "wrong number"), ("мама в лікарні", "hospital bills")],
    "tr": [("pardon, yanlış numara", "wrong number"), ("paket gümrükte kaldı", "customs fee")],
    "ar": [("آسفة رقم غلط", "wrong number"), ("انا طبيب عسكري", "military deployment")],
    "hi": [("सॉरी, ग़लत नंबर", "wrong number"), ("sorry galat number", "wrong number")],
    "id": [("maaf salah nomor", "wrong number"), ("paketnya ketahan di bea cukai", "customs fee")],
    "vi": [("xin lỗi em nhắn nhầm số", "wrong number"), ("mẹ em đang nằm viện", "hospital bills")],
    "th": [("ขอโทษค่ะ ส่งผิดเบอร์", "wrong number"), ("ผมเป็นแพทย์ทหาร", "military deployment")],
    "ja": [("番号間違えました", "wrong number"), ("僕は軍医です", "military deployment")],
    "zh": [("不好意思发错人了", "wrong number"), ("包裹被海关扣了", "customs fee")],
    "ko": [("번호 잘못 보냈어요", "wrong number"), ("엄마가 입원했어", "hospital bills")],
    "tl": [("sorry wrong send", "wrong number"), ("na-ospital si mama", "hospital bills")],
}


@pytest.mark.parametrize(
    ("language", "text", "term"),
    [(lang, text, term) for lang, cases in SCRIPTS.items() for text, term in cases],
)
def test_scam_scripts_are_risky_in_every_language(language, text, term):
    assert term in risky_terms(text, [language])
    assert term in risky_terms(text)


@pytest.mark.parametrize(
    "text",
    [
        "je suis prêt, on y va",  # "prêt" is also "ready", not only "loan"
        "the hospital is near my place",
        "I love my job at the bank",
        "ok see you at 7",
    ],
)
def test_ordinary_talk_has_no_risky_terms(text):
    assert risky_terms(text) == ()


def test_risky_terms_are_read_in_the_given_languages():
    assert risky_terms("посылка застряла на таможне", ["ru"]) == ("customs fee",)
    assert risky_terms("посылка застряла на таможне", ["es"]) == ()
