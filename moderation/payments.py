"""Requests to pay or send money, in English, Spanish, French, German, Italian and Portuguese.

Only a request counts: someone asking the reader to send, buy, transfer or pay ("send me a
steam card", "mándame 200 euros por western union", "tu dois payer les frais de douane").
Talk about money ("I paid for dinner", "my bank is closed", "the Western Union on 5th
street") names the same things without asking for them and is not reported.
Works on the fully folded view (lowercase, accents dropped, spaced letters rejoined).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from moderation.normalization import Normalized, around

__all__ = ["find_payment_requests"]

# --- what is asked for -------------------------------------------------------------------------

_GIFT_BRANDS = (
    r"steam|itunes|apple|google\s?play|play\s?store|amazon|razer(?:\s?gold)?|ebay|sephora|"
    r"walmart|target|vanilla|netflix|xbox|playstation|psn|nintendo|spotify|roblox|visa"
)
_CARD_WORDS = r"cards?|vouchers?|codes?|tarjetas?|cartes?|karten?|gutscheine?|carta|cartao|cartoes"
_GIFT = (
    rf"(?:{_GIFT_BRANDS})\s+(?:gift\s?)?(?:{_CARD_WORDS})"
    rf"|(?:{_CARD_WORDS})\s+(?:de\s+|d'|di\s+)?(?:{_GIFT_BRANDS})"
    r"|gift\s?cards?|e-?gift|paysafe\s?card|paysafe|neosurf|transcash|pcs\s+(?:coupon|recharge)"
    r"|tarjetas?\s+(?:de\s+)?regalo|cartes?\s+cadeaux?|geschenk\s?karten?|gutschein\s?(?:codes?)?"
    r"|carta\s+regalo|buoni?\s+regalo|cart(?:ao|oes)\s+(?:de\s+)?presente|vales?\s+presente"
    r"|codes?\s+(?:on|at|from)\s+the\s+back"
    r"|(?:photo|pic|picture|foto|bild|image)s?\s+(?:of|de|du|von|della|do|da|des)\s+"
    r"(?:the\s+|la\s+|el\s+|le\s+|die\s+|der\s+|den\s+|il\s+|o\s+|a\s+)?"
    r"(?:card|cards|code|codes|tarjeta|codigo|carte|karte|carta|codice|cartao|back)\b"
)
_SERVICES = (
    r"western\s?union|money\s?gram|remitly|ria(?:\s+money(?:\s+transfer)?)?|wise|transferwise|"
    r"world\s?remit|xoom|zelle|cash\s?app|venmo|paypal|revolut|skrill|neteller|bizum|pix|lydia|"
    r"satispay|mb\s?way|postepay|paysend"
)
_OWN = (
    r"my|mi|mon|ma|mein|meine|meinem|mio|il\s+mio|la\s+mia|meu|minha|this|esta|este|ce|cette|"
    r"dieses|diese|questo|questa|esse|essa"
)
_SERVICE = (
    r"(?:via|through|thru|by|with|using|over|on|por|par|avec|uber|mit|per|tramite|con|pelo|"
    rf"pela|com|en|au|na|no)\s+(?:a\s+|un\s+|una\s+|um\s+|uma\s+)?(?:{_SERVICES})\b"
    r"|(?:western\s?union|money\s?gram|remitly|zelle|cash\s?app|venmo|paypal)\b"
    r"|(?:um|o|a)\s+pix\b"
)
_ACCOUNT = (
    r"(?:bank\s+)?(?:account|acc|bank|cuenta|compte|konto|conto|conta|carteira|billetera|cartera|"
    rf"portefeuille|portafoglio|wallet|{_SERVICES})"
)
_BANK = (
    r"(?:bank|wire)\s+transfer|transferencia(?:\s+bancaria)?|virement(?:\s+bancaire)?|"
    r"uberweisung|bonifico(?:\s+bancario)?|deposito|wire|"
    r"(?:to|into|in|on|a|en|sur|auf|an|su|sul|sulla|na|no|para|pra)\s+"
    rf"(?:{_OWN})\s+{_ACCOUNT}\b"
)
_CRYPTO = (
    r"(?:\d[\d.,]*\s*)?(?:btc|bitcoins?|usdt|tether|eth|ether|ethereum|crypto(?:currency|s)?|"
    r"cripto(?:moneda)?s?|krypto(?:wahrung)?|bnb|trx|litecoin|ltc|xrp|solana|dogecoin|doge)\b"
)
_FEE = (
    r"(?:customs|clearance|delivery|shipping|release|processing|handling|transfer|transit|"
    r"courier|diplomatic|insurance|security|activation|withdrawal|unlock|tax)\s+"
    r"(?:fee|fees|charge|charges|duty|duties|tax|taxes)|customs"
    r"|(?:tasa|tasas|impuesto|impuestos|tarifa|gastos|cargos)\s+(?:de\s+)?(?:aduana|envio|"
    r"liberacion|desaduanaje|retiro)|aduana"
    r"|(?:frais|taxe|taxes|droits)\s+(?:de\s+|d')?(?:douane|dedouanement|livraison|liberation|"
    r"retrait|deblocage)|douane|dedouanement"
    r"|zoll(?:gebuhr|gebuhren|kosten|abgaben)?|(?:liefer|bearbeitungs|freigabe|versand)"
    r"gebuhr(?:en)?"
    r"|(?:spese|tassa|tasse|diritti)\s+(?:di\s+)?(?:dogana|doganali|sdoganamento|spedizione|"
    r"sblocco|svincolo)|dogana|sdoganamento"
    r"|(?:taxa|taxas|tarifa)\s+(?:de\s+|da\s+)?(?:alfandega|liberacao|entrega|desembaraco)"
    r"|alfandega|desembaraco"
)
_CURRENCY = (
    r"dollars?|bucks|euros?|eur|usd|gbp|pounds?(?!\s+of\b)|quid|pesos|dolares|reais|libras|"
    r"francs?|chf|sterline|dollari|rs|inr"
)
_MONEY = (
    r"money|cash|funds|dinero|plata|efectivo|argent|fric|thune|geld|kohle|knete|soldi|denaro|"
    r"contanti|dinheiro|grana|(?:a\s+|un\s+|une\s+|einen\s+|uno?\s+|um\s+)?(?:loan|prestamo|pret|"
    r"kredit|darlehen|prestito|emprestimo)"
    rf"|[$€£]\s?\d[\d.,]*\s?k?|\d[\d.,]*\s?k?\s?(?:[$€£]|(?:{_CURRENCY})\b)"
)
_OBJECTS = (
    ("gift", _GIFT, "gift card request"),
    ("service", _SERVICE, "money transfer service request"),
    ("bank", _BANK, "bank transfer request"),
    ("crypto", _CRYPTO, "crypto payment request"),
    ("fee", _FEE, "fee to release a gift or parcel"),
    ("money", _MONEY, "money request"),
)
_EVIDENCE = {name: evidence for name, _, evidence in _OBJECTS}
_OBJECT = "|".join(rf"(?P<{name}>{pattern})" for name, pattern, _ in _OBJECTS)

# --- the asking --------------------------------------------------------------------------------

_EN_VERBS = r"send|wire|transfer|pay|buy|deposit|purchase|cover|get|make|do|lend|loan"
_CUES = (
    # English: "send me", "can you buy", "I need you to pay", "you have to pay", "please wire"
    r"(?:send|wire|transfer|lend|loan|pay|give|buy|get|deposit|paypal|venmo|zelle|cashapp)"
    r"\s+(?:me|us)\b",
    rf"(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+|plz\s+|kindly\s+|just\s+)?"
    rf"(?:{_EN_VERBS}|help\s+(?:me\s+)?with)\b",
    rf"(?:please|pls|plz|kindly|(?:you|u)\s+(?:have|need|got)\s+to|(?:you|u)\s+must|"
    rf"(?:you|u)'?ll\s+(?:need|have)\s+to|(?:you|u)\s+will\s+(?:need|have)\s+to|"
    rf"(?:i|we)\s+need\s+(?:you|u)\s+to|need\s+(?:you|u)\s+to|(?:i|we)\s+want\s+(?:you|u)\s+to|"
    rf"all\s+(?:you|u)\s+(?:need|have)\s+to\s+do\s+is)\s+(?:{_EN_VERBS})\b",
    r"(?:^|[.!?]\s*)(?:send|wire|transfer|pay|buy|deposit|purchase)\b",
    # Spanish: "mándame", "¿me puedes enviar?", "necesito que me transfieras", "tienes que pagar"
    r"(?:envia|manda|transfiere|presta|paga|compra|deposita|gira|recarga)(?:me|nos|se|le|les)?"
    r"(?:lo|la|los|las)?\b|(?:hazme|haz|dame|regalame)\b",
    r"(?:puedes|podrias|pueden|podrian|podes|puede|podria)\s+(?:\w+\s+)?(?:enviar|mandar|"
    r"transferir|prestar|pagar|comprar|depositar|girar|hacer)(?:me|nos)?\b",
    r"me\s+(?:envias|mandas|prestas|transfieres|depositas|compras|pagas)\b",
    r"necesito\s+que\s+(?:me\s+)?(?:envies|mandes|transfieras|prestes|pagues|compres|"
    r"deposites|hagas)\b",
    r"(?:tienes|tenes|debes|deberas|hay)\s+que\s+(?:pagar|enviar|mandar|transferir|depositar|"
    r"comprar|hacer)\b",
    # French: "envoie-moi", "peux-tu m'envoyer", "tu dois payer", "fais-moi un virement"
    r"(?:envoie|envoies|envoyez|vire|virez|prete|pretez|paie|payez|achete|achetez|depose|"
    r"deposez|verse|versez|transfere|transferez|fais|faites|donne|donnez|recharge)"
    r"(?:[\s\-]*(?:le|la|les))?(?:[\s\-]*(?:moi|nous))?\b",
    r"(?:(?:peux|pourrais|pouvez|pourriez)[\s\-]*(?:tu|vous)|(?:tu|vous)\s+(?:peux|pourrais|"
    r"pouvez|pourriez))\s+(?:m'|me\s+|nous\s+)?(?:envoyer|virer|preter|payer|acheter|deposer|"
    r"verser|transferer|faire)\b",
    r"j'?ai\s+besoin\s+que\s+(?:tu|vous)\s+(?:m'|me\s+)?(?:envoies|envoyiez|achetes|achetiez|"
    r"paies|payes|payiez|fasses|fassiez|pretes|vires|virez)\b",
    r"(?:tu\s+dois|vous\s+devez|il\s+(?:te|vous)\s+faut|il\s+faut)\s+(?:me\s+|m')?(?:payer|"
    r"envoyer|verser|acheter|regler|virer|faire)\b",
    # German: "schick mir", "kannst du mir ... überweisen", "du musst ... bezahlen"
    r"(?:schick|schicke|schickt|sende|send|uberweis|uberweise|uberweist|leih|leihe|bezahl|"
    r"bezahle|zahl|zahle|kauf|kaufe|gib|mach|mache)(?:\s+(?:es|das|sie|ihn))?\s+(?:mir|uns)\b",
    r"(?:(?:kannst|konntest|konnen|konnten|musst|mussen|sollst|solltest)\s+(?:du|sie|ihr)|"
    r"(?:du|ihr)\s+(?:musst|sollst|solltest)|sie\s+(?:mussen|sollten))"
    r"(?:\s+(?:mir|uns))?(?:\s+bitte)?(?=(?:\s+\S+){0,6}?\s+(?:schicken|senden|uberweisen|"
    r"leihen|geben|zahlen|bezahlen|kaufen|einzahlen)\b)",
    # Italian: "mandami", "puoi prestarmi", "devi pagare", "fammi un bonifico"
    r"(?:manda|invia|presta|paga|compra|ricarica|versa)(?:mi|ci|me|ce)?(?:lo|la|li|le)?\b"
    r"|(?:fammi|dammi|fai)\b",
    r"(?:puoi|potresti|potete|potreste)\s+(?:mandarmi|inviarmi|prestarmi|pagare|pagarmi|"
    r"comprarmi|comprare|mandare|inviare|versare|fare|farmi|ricaricare)\b",
    r"(?:devi|dovete|bisogna|dovresti)\s+(?:pagare|mandare|inviare|versare|comprare|fare)\b",
    r"ho\s+bisogno\s+che\s+(?:tu\s+)?mi\s+(?:mandi|invii|presti|paghi|compri|faccia)\b",
    # Portuguese: "me manda", "pode me enviar", "preciso que você pague", "faz um pix"
    r"(?:me\s+)?(?:envia|envie|manda|mande|empresta|empreste|paga|pague|compra|compre|deposita|"
    r"deposite|transfere|transfira|faz|faca)(?:-me)?\b|me\s+(?:da|de)\b",
    r"(?:pode|poderia|podes|consegue)\s+(?:me\s+)?(?:enviar|mandar|emprestar|pagar|comprar|"
    r"depositar|transferir|fazer)\b",
    r"preciso\s+que\s+(?:voce\s+|vc\s+|tu\s+)?(?:me\s+)?(?:envie|mande|empreste|pague|compre|"
    r"deposite|transfira|faca)\b",
    r"(?:voce|vc|tu)\s+(?:precisa|tem\s+que|deve|vai\s+ter\s+que)\s+(?:pagar|enviar|mandar|"
    r"depositar|transferir|comprar|fazer)\b",
)
_CUE = "|".join(f"(?:{cue})" for cue in _CUES)
# Words that open a new clause: "can you send me a text when the money arrives" asks for a
# text, so the thing asked for must come before any of them.
_CLAUSE = (
    r"when|if|after|before|because|cause|cuz|coz|and|but|or|so|then|once|till|until|while|"
    r"cuando|si|quand|lorsque|wenn|als|falls|quando|se|porque|parce|weil|perche|y|et|und|e|ma|"
    r"mas|pero|mais|aber|que|qui|das|dass|che"
)
# The thing asked for follows the asking within a few words of the same clause.
_REQUEST = re.compile(
    rf"(?<![\w'])(?:{_CUE})(?:[\s,:]+(?!(?:{_CLAUSE})\b)[^\s.!?;]+){{0,6}}?[\s,:]*"
    rf"(?:{_OBJECT})(?!\w)"
)

# --- pitches that are requests by themselves ---------------------------------------------------

_YOU = (
    r"you|your|u|ur|tu|tus|te|ton|ta|tes|vous|votre|vos|dein|deine|deinen|deinem|ihr|ihre|"
    r"tuo|tua|tuoi|seu|sua|seus|suas|voce|vc|usted|su|sus"
)
_RELEASE = (
    r"release|clear|receive|get|deliver|unlock|liberar|recibir|retirar|liberer|debloquer|"
    r"recevoir|recuperer|freigeben|freizugeben|erhalten|sbloccare|ricevere|svincolare|receber|"
    r"desbloquear"
)
_PITCHES = (
    (
        re.compile(
            r"\bguarantee?d\s+(?:returns?|profits?|income|earnings|gains)\b"
            r"|\b(?:double|triple)\s+(?:your|ur)\s+(?:money|investment|bitcoin|btc|crypto|cash)\b"
            r"|\b(?:rentabilidad|ganancias?|beneficios?|rendimientos?)\s+garantizad[oa]s?\b"
            r"|\b(?:duplica|triplica)\s+tu\s+(?:dinero|inversion)\b"
            r"|\b(?:rendements?|profits?|gains?|benefices?)\s+garanti[es]*\b"
            r"|\b(?:doublez|double|triplez)\s+(?:votre|ton)\s+(?:argent|investissement|capital)\b"
            r"|\bgarantierte?n?\s+(?:rendite|gewinne?|ertrage?|einnahmen)\b"
            r"|\bverdopple\s+dein(?:en)?\s+(?:geld|einsatz)\b"
            r"|\b(?:rendimento|guadagni?|profitti?|ritorni?)\s+garantit[oiae]\b"
            r"|\braddoppia\s+i\s+tuoi\s+soldi\b"
            r"|\b(?:retorno|lucros?|rendimentos?|ganhos?)\s+garantid[oa]s?\b"
            r"|\b(?:dobre|duplique|dobra)\s+(?:o\s+)?seu\s+dinheiro\b"
            r"|\b\d+(?:[.,]\d+)?\s?%\s+(?:daily|weekly|per\s+day|a\s+day|per\s+week|diario|"
            r"por\s+dia|par\s+jour|pro\s+tag|al\s+giorno|ao\s+dia)\s+(?:profit|return|roi|"
            r"ganancia|rendement|gewinn|rendita|lucro)?"
        ),
        0.85,
        "investment pitch (guaranteed returns)",
    ),
    (
        re.compile(
            r"\b(?:invest|deposit|join|register|sign\s+up|start\s+trading|invierte|invertir|"
            r"deposita|unete|registrate|investis|investissez|deposez|rejoins|rejoignez|inscris|"
            r"investiere|investier|zahle\s+ein|registriere|investi|investite|unisciti|iscriviti|"
            r"registrati|invista|investe|deposite|cadastre)\b[^.!?]{0,40}?\b(?:trading|"
            r"investment|mining|crypto|forex|inversion|investissement|minage|investition|"
            r"handels|investimento|mineracao|trade)[\s\-]?(?:platform|plataforma|plateforme|"
            r"plattform|piattaforma|pool|program|programa|programme|site|app|company|empresa)"
            r"|\b(?:invest|invierte|investis|investiere|investi|invista|deposit|deposita|deposite)"
            r"\b[^.!?]{0,40}?\b(?:plataforma|plateforme|plattform|piattaforma|platform)\s+"
            r"(?:de\s+|d'|di\s+)?(?:trading|inversion|investissement|investimento)\b"
            r"|\b(?:plataforma|plateforme|plattform|piattaforma|platform)\s+(?:de\s+|d'|di\s+)?"
            r"(?:trading|inversion|investissement|investimento)\b[^.!?]{0,40}?\b(?:invierte|"
            r"deposita|investis|deposez|investi|invista|deposite|join|invest)\b"
            r"|\b(?:join|invest\s+in)\s+(?:my|our|this|the)\s+mining\s+pool\b"
        ),
        0.8,
        "investment platform solicitation",
    ),
    (
        re.compile(
            rf"\b(?:{_FEE})\b[^.!?]{{0,40}}?\b(?:to|for|para|pour|um|per|pra|a)\s+(?:\w+\s+){{0,2}}?"
            rf"(?:{_RELEASE})\b[^.!?]{{0,30}}?\b(?:{_YOU})\b"
        ),
        0.8,
        "fee to release a gift or parcel",
    ),
    (
        re.compile(
            r"\b(?:scratch|rasca|raspa|gratte|grattez|rubbel|gratta)\w*\b[^.!?]{0,40}?"
            r"\b(?:code|codigo|codice|back|reverso|dos|ruckseite|retro|verso)\b"
            r"|\b(?:minha|meu|a)\s+chave\s+pix\b"
        ),
        0.85,
        "gift card request",
    ),
)
# Words (and stems) one of which any request or pitch above contains. Checking the message's
# word set is far cheaper than running the big patterns, which most messages never need.
_ANCHOR_WORDS = """
    money cash funds dinero plata efectivo argent fric thune geld kohle knete soldi denaro
    contanti dinheiro grana loan prestamo pret kredit darlehen prestito emprestimo dollar
    dollars bucks euro euros eur usd gbp pound pounds quid pesos dolares reais libras franc
    francs chf sterline dollari rs inr steam itunes apple google play amazon razer ebay
    sephora walmart target vanilla netflix xbox playstation psn nintendo spotify roblox visa
    gift giftcard giftcards egift paysafe paysafecard neosurf transcash pcs tarjeta tarjetas
    carte cartes gutschein gutscheine carta buono buoni cartao cartoes vale vales code codes
    photo photos pic pics picture pictures foto fotos bild bilder image images western
    westernunion moneygram remitly ria wise transferwise worldremit xoom zelle cashapp
    venmo paypal revolut skrill neteller bizum pix lydia satispay mb mbway postepay paysend
    bank wire transfer transferencia virement uberweisung bonifico deposito account acc cuenta
    compte konto conto conta carteira billetera cartera portefeuille portafoglio wallet btc
    bitcoin bitcoins usdt tether eth ether ethereum bnb trx litecoin ltc xrp solana dogecoin
    doge customs clearance delivery shipping release processing handling transit courier
    diplomatic insurance security activation withdrawal unlock tax fee fees tasa tasas impuesto
    impuestos tarifa gastos cargos aduana frais taxe taxes droits douane dedouanement spese
    tassa tasse diritti dogana sdoganamento taxa taxas alfandega desembaraco double triple
    duplica triplica doublez triplez verdopple raddoppia dobre duplique dobra chave rentabilidad
    ganancia ganancias beneficio beneficios rendimiento rendimientos rendement rendements
    profit profits gain gains benefices rendimento guadagno guadagni profitto profitti ritorno
    ritorni retorno lucro lucros rendimentos ganho ganhos plataforma plateforme plattform
    piattaforma platform mining pool trading remit
"""
_ANCHORS = frozenset(_ANCHOR_WORDS.split())
_ANCHOR_STEMS = (
    "crypto", "cripto", "krypto", "zoll", "invest", "invier", "garant", "guarant", "scratch",
    "gratt", "rasca", "raspa", "rubbel", "geschenk", "gutschein", "liefergeb", "bearbeitungsgeb",
    "freigabegeb", "versandgeb",
)  # fmt: skip
_SYMBOL = re.compile(r"[$€£%]")
_WORD = re.compile(r"[a-z]+")
# How far a request or pitch reaches around the word it needs (cue, gap and object).
_REACH = 160


def _anchors(text: str) -> list[tuple[int, int]]:
    """Spans of the words and symbols that any request or pitch needs, usually none."""
    spans = [match.span() for match in _SYMBOL.finditer(text)]
    for match in _WORD.finditer(text):
        word = match.group()
        if word in _ANCHORS or word.startswith(_ANCHOR_STEMS):
            spans.append(match.span())
    return spans


def find_payment_requests(view: Normalized) -> Iterator[tuple[int, int, float, str]]:
    """Yield ``(start, end, confidence, evidence)`` in the ORIGINAL text for each request to
    pay, send or buy money, gift cards, crypto or fees, or to invest on a platform."""
    text = view.text
    anchors = _anchors(text)
    if not anchors:
        return
    for low, high in around(anchors, text, before=_REACH, after=_REACH):
        for match in _REQUEST.finditer(text, low, high):
            evidence = _EVIDENCE[match.lastgroup or "money"]
            yield *view.to_original(*match.span()), 0.85, evidence
        for pattern, confidence, evidence in _PITCHES:
            for match in pattern.finditer(text, low, high):
                yield *view.to_original(*match.span()), confidence, evidence
