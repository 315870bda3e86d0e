"""Requests to pay or send money are found in six languages; talk about money is not."""

import pytest

from moderation.detectors import scan


def _requests(text: str) -> list[tuple[str, str]]:
    """``(original substring, evidence)`` of each payment request found in ``text``."""
    return [(text[f.start : f.end], f.evidence) for f in scan(text) if f.kind == "payment_request"]


REQUESTS = {
    "gift card": [
        "can you send me a steam card?",
        "buy me an itunes gift card and send me the code on the back",
        "scratch the back and send me the code",
        "please get me two google play cards",
        "send me a pic of the card",
        "necesito que me compres una tarjeta de regalo de amazon",
        "envoie-moi une carte steam",
        "achète-moi des cartes cadeaux apple",
        "kauf mir einen amazon gutschein",
        "comprami una carta regalo steam",
        "preciso que você compre um cartão presente da google play",
        "me compra um vale presente",
    ],
    "money transfer service": [
        "please send it via western union",
        "can you send it through moneygram",
        "pay me with zelle",
        "envíalo por western union",
        "envoie-le par moneygram",
        "schick es mir per western union",
        "mandalo tramite western union",
        "me manda um pix",
        "faz um pix pra mim",
    ],
    "bank transfer": [
        "you need to make a bank transfer to my account",
        "wire it to my account",
        "hazme una transferencia a mi cuenta",
        "fais-moi un virement sur mon compte",
        "mach mir eine Überweisung auf mein Konto",
        "fammi un bonifico sul mio conto",
        "faz uma transferência na minha conta",
    ],
    "crypto": [
        "send me btc",
        "buy bitcoin and send it to my wallet",
        "send 0.5 btc to my wallet",
        "can you send usdt",
        "envíame bitcoin",
        "envoie-moi des bitcoins",
        "schick mir bitcoin",
        "mandami bitcoin",
        "me envia usdt",
    ],
    "fees": [
        "you need to pay the customs fee to release your package",
        "pay the clearance fee so the courier can deliver your gift",
        "tienes que pagar la tasa de aduana para recibir tu paquete",
        "tu dois payer les frais de douane pour recevoir ton colis",
        "du musst die Zollgebühr bezahlen um dein Paket zu erhalten",
        "devi pagare le spese di sdoganamento per ricevere il tuo pacco",
        "você precisa pagar a taxa de alfândega para receber seu presente",
    ],
    "investment": [
        "join my trading platform, guaranteed returns of 20% daily",
        "double your money in one week",
        "invest with me on this mining pool",
        "rentabilidad garantizada, invierte en nuestra plataforma de trading",
        "rendement garanti, investis sur notre plateforme de trading",
        "garantierte Rendite, investiere auf unserer Handelsplattform",
        "rendimento garantito, raddoppia i tuoi soldi",
        "lucro garantido, invista na nossa plataforma de investimento",
    ],
    "money": [
        "I need you to send $500 for my flight",
        "wire me 2000 dollars",
        "can you lend me 300 euros",
        "¿me puedes enviar dinero?",
        "mándame 200 euros",
        "peux-tu m'envoyer de l'argent ?",
        "schick mir bitte 200 euro",
        "kannst du mir bitte die 500 euro schicken",
        "puoi prestarmi 300 euro?",
        "mandami dei soldi",
        "pode me enviar dinheiro?",
        "me empresta 100 reais",
    ],
}
_EVIDENCE_WORD = {
    "gift card": "gift card",
    "money transfer service": "money transfer service",
    "bank transfer": "bank transfer",
    "crypto": "crypto",
    "fees": "fee",
    "investment": "investment",
    "money": "money",
}


@pytest.mark.parametrize(
    ("category", "text"),
    [(category, text) for category, texts in REQUESTS.items() for text in texts],
)
def test_requests_to_pay_are_found_in_six_languages(category, text):
    found = _requests(text)
    assert found, text
    assert all(span and span in text for span, _ in found)


def test_evidence_names_what_is_asked_for():
    for category, texts in REQUESTS.items():
        word = _EVIDENCE_WORD[category]
        first = _requests(texts[0])
        assert any(word in evidence for _, evidence in first), (category, first)


def test_obfuscated_request_is_found_with_the_original_span():
    text = "s e n d me a ｓｔｅａｍ c\u200bard"
    [(span, evidence)] = _requests(text)
    assert span == text
    assert evidence == "gift card request"


@pytest.mark.parametrize(
    "text",
    [
        # English: mentions, offers, past tense, and requests for something other than money
        "I paid for dinner",
        "my bank is closed",
        "the Western Union on 5th street",
        "meet me at the Western Union on 5th street",
        "I sent you the money yesterday",
        "can you send me a text when the money arrives",
        "let me send you some money towards your net",
        "I bought bitcoin last year",
        "gift card for mom's birthday, any ideas?",
        "customs took forever at the airport",
        "Did you pay the delivery fee for the pizza?",
        "I'll pay you back tomorrow",
        "send me the pics from the party",
        "can you buy some milk on the way",
        "send me your address and I'll send the money",
        "can you buy 2 pounds of apples",
        "my uncle works on a trading platform",
        "I had to pay customs fees to get my parcel",
        # Spanish
        "Pagué la cena ayer",
        "Mi banco está cerrado",
        "mándame una foto de tu perro",
        "compra pan cuando vuelvas",
        # French
        "J'ai payé le dîner",
        "envoie-moi un message quand tu arrives",
        "fais attention à toi",
        # German
        "Meine Bank ist geschlossen",
        "kannst du mir sagen wie viel Geld das kostet",
        "schick mir ein Foto vom Strand",
        # Italian
        "Ho pagato la cena",
        "mandami una foto del mare",
        "fai come vuoi",
        # Portuguese
        "Paguei o jantar",
        "me manda uma foto sua",
        "o banco fechou cedo hoje",
    ],
)
def test_talk_about_money_is_no_request(text):
    assert _requests(text) == []
