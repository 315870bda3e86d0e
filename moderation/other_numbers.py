"""Digit runs that are something other than a phone number: the phone detector's exclusions.

A run of ten digits is a phone number only if nothing says it is something else. Lists of
years, IP addresses, ISBNs, dates, prices, card numbers, postal codes, IBAN-shaped codes
whose checksum fails, and numbers labelled as an order, parcel, booking or student number
are ordinary talk. Each check is cheap and only runs on a candidate the phone detector found.
"""

from __future__ import annotations

import re

from moderation.wallets import iban_shaped_spans

__all__ = ["other_number"]

_GROUP = re.compile(r"\d+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\d|\.\d)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:(?:19|20)\d\d([./\-]){_MONTH}\1{_DAY}"
    rf"|{_DAY}([./\-]){_MONTH}\2(?:19|20)?\d\d|{_MONTH}([./\-]){_DAY}\3(?:19|20)?\d\d)(?!\d)"
)
_AMOUNT = re.compile(r"\d{1,3}(?:[.,\u00a0 ]\d{3})*[.,]\d{2}|\d+[.,]\d{2}")
_CURRENCY_BEFORE = re.compile(r"[$€£¥₹₽₺₩₱₫฿]\s*$")
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:[$€£¥₹₽₺₩₱₫฿]|(?:eur|euros?|usd|dollars?|gbp|pounds?|rub|rubles?|roubles?|"
    r"руб\w*|reais|pesos|zl|zł|lira|tl|yen|円|元|원)(?!\w))",
    re.IGNORECASE,
)
# The US states and territories, whose two-letter code comes before a ZIP code.
_US_STATE_LIST = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP"
)
_US_STATES = frozenset(_US_STATE_LIST.split())
_STATE_BEFORE = re.compile(r"(?<![A-Za-z])([A-Z]{2}),?\s+$")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
# Words that say what a number is when it is not a phone: an order, a parcel, a booking, a
# student, a postal code. Prefixes, so compounds count ("Bestellnummer", "Sendungsnummer");
# words that also open a phone number ("customer service", "member hotline") only as phrases.
# These move to the per-language lexicons (moderation/lexicons) when their loader lands.
_LABEL_WORDS = (
    # English
    "order tracking shipment parcel package consignment waybill invoice receipt reference "
    "booking reservation confirmation student enrol enroll matric employee serial transaction "
    "isbn issn imei passport postcode postal "
    # Spanish, Portuguese
    "pedido seguimiento envio paquete factura recibo referencia reserva localizador expediente "
    "matricula poliza transaccion rastreio rastreamento encomenda fatura protocolo apolice "
    # French, Italian
    "commande suivi colis facture reservation dossier etudiant ordine spedizione pacco "
    "fattura ricevuta riferimento prenotazione pratica matricola polizza "
    # German, Dutch
    "bestell auftrag sendung paket rechnung beleg referenz buchung vorgang aktenzeichen "
    "matrikel kundennummer mitgliedsnummer serien postleitzahl bestelling zending pakket "
    "factuur referentie boeking reservering klantnummer studentnummer "
    # Polish, Turkish, Indonesian (folded: no accents)
    "zamowieni przesylk paczk faktur rezerwacj siparis kargo takip gonderi rezervasyon "
    "ogrenci pesanan tagihan pemesanan mahasiswa "
    # Russian, Ukrainian
    "заказ трек посылк отправлени накладн бронь бронировани студенч зачетк замовлен посилк"
)
# Short labels, as whole words only ("nim" is no label inside "nimm").
_LABEL_SHORT_WORDS = "ref txn pnr sku ean upc vin zip plz cep nim nis nrp resi"
_LABEL_PHRASES = (
    "customer number|customer id|client number|member number|membership number|member id|"
    "policy number|numero de cliente|numero client|numero cliente|roll number|roll no|"
    "don hang|van don|hoa don"
)
# Chinese, Japanese, Korean, Thai, Hindi, Arabic: no word boundaries to lean on.
_UNSPACED_LABELS = (
    "订单|單號|单号|快递|運單|运单|物流|发票|預訂|预订|学号|學號|会员号|邮编|郵便番号|〒|注文|追跡|"
    "問い合わせ番号|伝票|予約|学籍|会員番号|주문|송장|운송장|예약|학번|회원번호|우편번호|"
    "คำสั่งซื้อ|พัสดุ|รหัสนักศึกษา|रोल नंबर|ऑर्डर|आर्डर|ट्रैकिंग|رقم الطلب|شحنة|تتبع|فاتورة|حجز"
)
_PHRASE_HEADS = frozenset(phrase.split()[0] for phrase in _LABEL_PHRASES.split("|"))
_LABEL_PREFIXES = tuple(_LABEL_WORDS.split())
_LABEL_SHORT = frozenset(_LABEL_SHORT_WORDS.split())
_LABEL_PHRASE = re.compile(_LABEL_PHRASES)
_UNSPACED_LABEL = re.compile(_UNSPACED_LABELS)
# The stretch of text a label reaches over: back to the last digit or sentence mark.
_STRETCH_END = re.compile(r"[\d\n.,;!?]")
_LETTERS = re.compile(r"[^\W\d_]+")
_LABEL_GAP = 24
# A word of calling in the same stretch means the label is not the number's ("order came,
# call me 0791...").
_CALLING = re.compile(
    r"(?<![^\W\d_])(?:call|phone|tel|mobile|cell|whats|text|ring|llam|movil|celular|appel|"
    r"portable|anruf|handy|chiam|liga|telefon|contact|reach|hubungi|звон|позвон|телеф)"
    r"|電話|电话|전화",
    re.IGNORECASE,
)
_LABEL_REACH = 48
_CODE_CHAR = re.compile(r"[0-9A-Za-z]")


def other_number(text: str, start: int, end: int, *, prefixed: bool = False) -> str | None:
    """What ``text[start:end]``, a phone-shaped run of digits, is instead, or None.

    ``prefixed`` says the number carries its own country code ("+44 ..."): a sender who
    writes one means a phone, so only the shape of other codes can overrule it.
    """
    candidate = text[start:end]
    groups = _GROUP.findall(candidate)
    digits = "".join(groups)
    if _iban_shaped(text, start, end):
        return "IBAN-shaped code"
    if _inside_code(text, start, end):
        return "part of a code"
    if prefixed:
        return None
    if _counting(digits):
        return "counting"
    if len(groups) >= 2 and all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
        return "list of years"
    if "." in candidate and any(m.start() < end and start < m.end() for m in _IPV4.finditer(text)):
        return "IP address"
    if _isbn(candidate, digits):
        return "ISBN"
    if _DATE.search(candidate) or _date_groups(groups):
        return "date"
    if (
        _prices(candidate)
        or _CURRENCY_BEFORE.search(text, max(0, start - 4), start)
        or (_CURRENCY_AFTER.match(text[end : end + 12]))
    ):
        return "price"
    if len(digits) in (15, 16) and digits[0] in "23456" and _luhn(digits):
        return "card number"
    if _zip_code(text, start, candidate):
        return "ZIP code"
    if _labelled(text[max(0, start - _LABEL_REACH) : start]):
        return "labelled number"
    return None


def _labelled(before: str) -> bool:
    """Whether the words right ``before`` a number say what it is: "order #", "订单号"."""
    stretch = _STRETCH_END.split(before)[-1].lower()
    if not stretch.strip():
        return False
    words = list(_LETTERS.finditer(stretch))
    labels = [
        m.start()
        for m in words
        if (m.group().startswith(_LABEL_PREFIXES) or m.group() in _LABEL_SHORT)
        and len(stretch) - m.end() <= _LABEL_GAP
    ]
    phrases = None
    if not stretch.isascii():
        phrases = _UNSPACED_LABEL
    elif any(m.group() in _PHRASE_HEADS for m in words):
        phrases = _LABEL_PHRASE
    if phrases is not None:
        labels += [
            m.start() for m in phrases.finditer(stretch) if len(stretch) - m.end() <= _LABEL_GAP
        ]
    return any(not _CALLING.search(stretch, label) for label in labels)


def _iban_shaped(text: str, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in iban_shaped_spans(text))


def _inside_code(text: str, start: int, end: int) -> bool:
    """Whether the run is glued to letters that are glued to more digits: "1Z999AA1012..."."""
    for step, edge in ((-1, start - 1), (1, end)):
        pos, letters, more_digits = edge, False, False
        while 0 <= pos < len(text) and _CODE_CHAR.match(text[pos]):
            if text[pos].isdigit():
                more_digits = letters
                if more_digits:
                    return True
            else:
                letters = True
            pos += step
    return False


def _counting(digits: str) -> bool:
    """Digits counted up or down ("1 2 3 4 5 6 7 8 9", "9876543210"): a placeholder."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {9})


def _isbn(candidate: str, digits: str) -> bool:
    if len(digits) == 13 and digits.startswith(("978", "979")):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    parts = candidate.split("-")
    if len(digits) == 10 and len(parts) == 4 and len(parts[-1]) == 1:
        return sum((10 - i) * int(d) for i, d in enumerate(digits)) % 11 == 0
    return False


def _date_groups(groups: list[str]) -> bool:
    """A date written with blanks or none: "2024 03 15 10 30", "15 03 2024", "20240315"."""
    if len(groups) == 1 and len(groups[0]) == 8:
        year_first = (groups[0][:4], groups[0][4:6], groups[0][6:])
        year_last = (groups[0][4:], groups[0][2:4], groups[0][:2])
        return any(_date_groups(list(parts)) for parts in (year_first, year_last))
    if len(groups) < 3:
        return False
    if _YEAR.fullmatch(groups[0]) and len(groups[1]) <= 2 and 1 <= int(groups[1]) <= 12:
        return len(groups[2]) <= 2 and 1 <= int(groups[2]) <= 31
    return (
        _YEAR.fullmatch(groups[2]) is not None
        and len(groups[0]) <= 2
        and len(groups[1]) <= 2
        and 1 <= int(groups[0]) <= 31
        and 1 <= int(groups[1]) <= 31
    )


def _prices(candidate: str) -> bool:
    """Two or more amounts with cents side by side: "19.99 29.99 49.99"."""
    return sum(1 for token in candidate.split() if _AMOUNT.fullmatch(token)) >= 2


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _zip_code(text: str, start: int, candidate: str) -> bool:
    if not _ZIP.fullmatch(candidate):
        return False
    state = _STATE_BEFORE.search(text, max(0, start - 6), start)
    return state is not None and state.group(1) in _US_STATES
