"""The shape of a safety lexicon file, and the checks each file passes when it is read.

Every key is known, every list non-empty, every entry a valid pattern in lower case that uses
only word lists it may use, every word list used; a file that breaks a rule is refused with
a ``LexiconError`` naming the file and the key. See ``moderation.lexicon`` for what the
entries mean.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

__all__ = [
    "CONTACT_BUILTINS",
    "OBJECT_BUILTINS",
    "PAYMENT_BUILTINS",
    "PITCH_KINDS",
    "REQUIRED_RISKS",
    "RISK_BUILTINS",
    "RISK_LABELS",
    "Common",
    "Lexicon",
    "LexiconError",
    "read_common",
    "read_language",
]

# Scam-script vocabulary: key in the files → the label a risk signal reports.
RISK_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "wrong_number": "wrong number",
        "investment": "investment",
        "guaranteed_returns": "guaranteed returns",
        "crypto": "crypto",
        "wallet": "wallet",
        "trading": "trading",
        "customs_fee": "customs fee",
        "release_fee": "verification fee",
        "emergency": "emergency",
        "hospital_bills": "hospital bills",
        "stuck_abroad": "stuck abroad",
        "military_deployment": "military deployment",
        "oil_rig": "oil rig",
        "inheritance": "inheritance",
        "loan": "loan",
        "send_money": "send money",
        "sugar_daddy": "sugar daddy",
        "allowance": "allowance",
        "widowed": "widowed",
    }
)
# The scripts issue 9 asks every language to cover.
REQUIRED_RISKS = frozenset(
    {
        "wrong_number",
        "investment",
        "crypto",
        "customs_fee",
        "emergency",
        "hospital_bills",
        "military_deployment",
        "oil_rig",
        "send_money",
    }
)
PITCH_KINDS = frozenset({"returns", "platform", "fee", "gift", "destination"})
ORDERS = frozenset({"verb_object", "object_verb"})

# Placeholders the detectors fill in, per section of a language file.
PAYMENT_BUILTINS = frozenset(
    {"amount", "end", "money", "currency", "service", "crypto", "fee", "gift", "bank", "brand"}
)
# Object lists ("money", "gift_cards", ...) may name the brands of common.toml.
OBJECT_BUILTINS = frozenset({"brand"})
CONTACT_BUILTINS = frozenset(
    {"platform", "any_platform", "handle", "marked_handle", "id", "phone", "end", "dot"}
)
RISK_BUILTINS = frozenset({"amount", "end"})

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_LIST_NAME = re.compile(r"[a-z][a-z_]*")
_CODE = re.compile(r"[a-z]{2,3}")


class LexiconError(ValueError):
    """A lexicon file is missing, malformed, or holds an entry that cannot work."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        where = Path(path).name if isinstance(path, Path) else path
        super().__init__(f"moderation/lexicons/{where}: {key}: {problem}")
        self.file = where
        self.key = key


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One language's checked entries, exactly as written in its file."""

    code: str
    name: str
    spaced: bool
    words: Mapping[str, tuple[str, ...]]
    payment: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]
    pitches: Mapping[str, tuple[str, ...]]
    platforms: Mapping[str, tuple[str, ...]]
    weak_platforms: Mapping[str, tuple[str, ...]]
    nicknames: Mapping[str, tuple[str, ...]]
    contact: Mapping[str, tuple[str, ...]]
    numbers: Mapping[str, tuple[str, ...]]
    risk: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Common:
    """What belongs to no language: brands, symbols, tickers, platforms and their link forms."""

    payment: Mapping[str, tuple[str, ...]]
    platforms: Mapping[str, tuple[str, ...]]
    weak_platforms: Mapping[str, tuple[str, ...]]
    contact: Mapping[str, tuple[str, ...]]
    links: Mapping[str, tuple[str, ...]]


# --- the schema ----------------------------------------------------------------------------------

# key → required?  Lists of entries; "payment.clause" is required for spaced languages only.
_PAYMENT_LISTS = {
    "cues": True,
    "amount_requests": True,
    "clause": False,
    "amount_end": False,
    "money": True,
    "currencies": True,
    "gift_cards": True,
    "services": True,
    "bank": True,
    "crypto": False,
    "fees": True,
    "fares": False,
    "pay_verbs": False,
}
_CONTACT_LISTS = {
    "intents": True,
    "ask_number": True,
    "phone_words": True,
    "id_words": True,
    "not_handle": False,
    "suffixes": False,
    "at": True,
    "dot": True,
    "slash": False,
}
_CONTACT_TABLES = ("platforms", "weak_platforms", "nicknames")
_COMMON_PAYMENT = {
    "brands": True,
    "currencies": True,
    "services": True,
    "crypto": True,
    "fares": True,
}
_COMMON_CONTACT = {"intents": True, "mail_providers": True, "mail_words": True}
_DIGITS = tuple(str(d) for d in range(10))


def _where(path: Path) -> str:
    return path.name


def _check_keys(path: Path, table: Mapping, allowed: Iterable[str], prefix: str) -> None:
    allowed = set(allowed)
    for key in table:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise LexiconError(path, f"{prefix}{key}", f"unknown key (known: {known})")


def _table(path: Path, data: Mapping, key: str, *, required: bool) -> Mapping:
    value = data.get(key.rpartition(".")[2])
    if value is None:
        if required:
            raise LexiconError(path, key, "missing")
        return {}
    if not isinstance(value, dict):
        raise LexiconError(path, key, "must be a table")
    return value


def _entries(path: Path, value: object, key: str) -> tuple[str, ...]:
    """A non-empty list of distinct, trimmed, non-empty strings."""
    if not isinstance(value, list):
        raise LexiconError(path, key, "must be a list of strings")
    if not value:
        raise LexiconError(path, key, "is empty: leave the key out or give it entries")
    seen: set[str] = set()
    for index, entry in enumerate(value):
        where = f"{key}[{index}]"
        if not isinstance(entry, str):
            raise LexiconError(path, where, "must be a string")
        if not entry or entry != entry.strip() or "  " in entry:
            raise LexiconError(path, where, f"{entry!r} has empty, leading or doubled blanks")
        if entry != unicodedata.normalize("NFC", entry):
            raise LexiconError(path, where, f"{entry!r} is not in Unicode NFC form")
        if _has_upper_case(entry):
            raise LexiconError(path, where, f"{entry!r}: write entries in lower case")
        if entry in seen:
            raise LexiconError(path, where, f"{entry!r} is listed twice")
        seen.add(entry)
    return tuple(value)


def _has_upper_case(entry: str) -> bool:
    """Upper-case letters outside escapes (``\\S``, ``\\D`` are regex, not letters)."""
    escaped = False
    for char in entry:
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char != char.lower():
            return True
    return False


def _lists(
    path: Path, data: Mapping, section: str, spec: Mapping[str, bool]
) -> dict[str, tuple[str, ...]]:
    _check_keys(path, data, spec, f"{section}.")
    out = {}
    for key, required in spec.items():
        if key in data:
            out[key] = _entries(path, data[key], f"{section}.{key}")
        elif required:
            raise LexiconError(path, f"{section}.{key}", "missing")
    return out


def _named_lists(
    path: Path, data: Mapping, section: str, names: Collection[str] | None
) -> dict[str, tuple[str, ...]]:
    """A table of name → entries; ``names`` (if given) are the names allowed."""
    out = {}
    for name, value in data.items():
        if names is not None and name not in names:
            raise LexiconError(path, f"{section}.{name}", f"unknown name (known: {sorted(names)})")
        if names is None and not _LIST_NAME.fullmatch(name):
            raise LexiconError(path, f"{section}.{name}", "list names are lower_case_words")
        out[name] = _entries(path, value, f"{section}.{name}")
    return out


def _check_pattern(
    path: Path, key: str, entry: str, names: Collection[str], *, needs: str | None = None
) -> None:
    """The entry compiles once its placeholders are filled, and uses only known ones."""
    used = _PLACEHOLDER.findall(entry)
    for name in used:
        if name not in names:
            raise LexiconError(
                path, key, f"{{{name}}} is no word list here (known: {sorted(names)})"
            )
    if needs is not None and needs not in used:
        raise LexiconError(path, key, f"{entry!r} must contain {{{needs}}}")
    filled = _PLACEHOLDER.sub("(?:x)", entry)
    for blank, regex in ((" ?", r"\s*"), (" *", r"\s*"), (" +", r"\s+"), (" ", r"\s+")):
        filled = filled.replace(blank, regex)
    try:
        re.compile(filled)
    except re.error as error:
        hint = ""
        if "look-behind" in str(error):
            hint = " (a blank matches any run of blanks: write \\s in a look-behind)"
        raise LexiconError(path, key, f"{entry!r} is no valid pattern: {error}{hint}") from error
    if re.compile(filled).match(""):
        raise LexiconError(path, key, f"{entry!r} matches the empty text")


def _bool(path: Path, data: Mapping, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise LexiconError(path, key, "must be true or false")
    return value


def _string(path: Path, data: Mapping, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise LexiconError(path, key, "must be a non-empty string")
    return value


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(path, "(file)", f"not valid TOML: {error}") from error


def read_common(path: Path) -> Common:
    data = _read(path)
    _check_keys(path, data, ("payment", "platforms", "contact"), "")
    payment = _lists(path, _table(path, data, "payment", required=True), "payment", _COMMON_PAYMENT)
    raw_platforms = _table(path, data, "platforms", required=True)
    platforms: dict[str, tuple[str, ...]] = {}
    weak: dict[str, tuple[str, ...]] = {}
    for name, entry in raw_platforms.items():
        key = f"platforms.{name}"
        if not _LIST_NAME.fullmatch(name) or not isinstance(entry, dict):
            raise LexiconError(path, key, "each platform is a table [platforms.<name>]")
        _check_keys(path, entry, ("names", "weak"), f"{key}.")
        if "names" not in entry and "weak" not in entry:
            raise LexiconError(path, key, "give names, weak names or both")
        if "names" in entry:
            platforms[name] = _entries(path, entry["names"], f"{key}.names")
        if "weak" in entry:
            weak[name] = _entries(path, entry["weak"], f"{key}.weak")
    raw_contact = dict(_table(path, data, "contact", required=True))
    raw_links = raw_contact.pop("links", None)
    if not isinstance(raw_links, dict) or not raw_links:
        raise LexiconError(path, "contact.links", "missing: a table of platform → link forms")
    links = _named_lists(path, raw_links, "contact.links", set(platforms) | set(weak))
    contact = _lists(path, raw_contact, "contact", _COMMON_CONTACT)
    for section, table in (("payment", payment), ("platforms", platforms), ("platforms", weak)):
        for key, entries in table.items():
            for index, entry in enumerate(entries):
                _check_pattern(path, f"{section}.{key}[{index}]", entry, ())
    for platform, entries in links.items():
        for index, entry in enumerate(entries):
            where = f"contact.links.{platform}[{index}]"
            _check_pattern(path, where, entry, {"dot"}, needs="dot")
    for key, entries in contact.items():
        for index, entry in enumerate(entries):
            where = f"contact.{key}[{index}]"
            if key == "intents":
                _check_names_platform(path, where, entry)
            _check_pattern(path, where, entry, CONTACT_BUILTINS | {"start"})
    return Common(
        payment=MappingProxyType(payment),
        platforms=MappingProxyType(platforms),
        weak_platforms=MappingProxyType(weak),
        contact=MappingProxyType(contact),
        links=MappingProxyType(links),
    )


def read_language(path: Path, common: Common) -> Lexicon:
    data = _read(path)
    _check_keys(
        path,
        data,
        ("code", "name", "spaced", "words", "payment", "contact", "numbers", "risk"),
        "",
    )
    code = _string(path, data, "code")
    if code != path.stem or not _CODE.fullmatch(code):
        raise LexiconError(path, "code", f"{code!r} must be the file's name ({path.stem!r})")
    name = _string(path, data, "name")
    spaced = _bool(path, data, "spaced", True)
    words = _named_lists(path, _table(path, data, "words", required=False), "words", None)
    for list_name in words:
        if list_name in PAYMENT_BUILTINS | CONTACT_BUILTINS | RISK_BUILTINS:
            raise LexiconError(path, f"words.{list_name}", "this name is a detector's own list")

    raw_payment = dict(_table(path, data, "payment", required=True))
    raw_order = raw_payment.pop("order", ["verb_object"])
    raw_pitches = raw_payment.pop("pitches", None)
    payment = _lists(path, raw_payment, "payment", _PAYMENT_LISTS)
    if spaced and "clause" not in payment:
        raise LexiconError(path, "payment.clause", "missing (required where words are spaced)")
    order = _entries(path, raw_order, "payment.order")
    for index, item in enumerate(order):
        if item not in ORDERS:
            raise LexiconError(path, f"payment.order[{index}]", f"must be one of {sorted(ORDERS)}")
    if not isinstance(raw_pitches, dict) or not raw_pitches:
        raise LexiconError(path, "payment.pitches", "missing: a table of kind → patterns")
    pitches = _named_lists(path, raw_pitches, "payment.pitches", PITCH_KINDS)

    raw_contact = dict(_table(path, data, "contact", required=True))
    tables = {}
    known_platforms = set(common.platforms) | set(common.weak_platforms)
    for table_name in _CONTACT_TABLES:
        raw = raw_contact.pop(table_name, None)
        if raw is None:
            if table_name == "platforms":
                raise LexiconError(path, "contact.platforms", "missing")
            tables[table_name] = {}
            continue
        if not isinstance(raw, dict) or not raw:
            raise LexiconError(path, f"contact.{table_name}", "must be a non-empty table")
        tables[table_name] = _named_lists(path, raw, f"contact.{table_name}", known_platforms)
    contact = _lists(path, raw_contact, "contact", _CONTACT_LISTS)

    raw_numbers = _table(path, data, "numbers", required=True)
    _check_keys(path, raw_numbers, _DIGITS, "numbers.")
    numbers = {}
    for digit in _DIGITS:
        if digit not in raw_numbers:
            raise LexiconError(path, f"numbers.{digit}", "missing")
        numbers[digit] = _entries(path, raw_numbers[digit], f"numbers.{digit}")

    risk = _named_lists(path, _table(path, data, "risk", required=True), "risk", RISK_LABELS)
    for label in sorted(REQUIRED_RISKS - set(risk)):
        raise LexiconError(path, f"risk.{label}", "missing")

    _check_language_patterns(path, words, payment, pitches, tables, contact, numbers, risk)
    return Lexicon(
        code=code,
        name=name,
        spaced=spaced,
        words=MappingProxyType(words),
        payment=MappingProxyType(payment),
        order=order,
        pitches=MappingProxyType(pitches),
        platforms=MappingProxyType(tables["platforms"]),
        weak_platforms=MappingProxyType(tables["weak_platforms"]),
        nicknames=MappingProxyType(tables["nicknames"]),
        contact=MappingProxyType(contact),
        numbers=MappingProxyType(numbers),
        risk=MappingProxyType(risk),
    )


def _check_language_patterns(
    path: Path,
    words: Mapping[str, tuple[str, ...]],
    payment: Mapping[str, tuple[str, ...]],
    pitches: Mapping[str, tuple[str, ...]],
    tables: Mapping[str, Mapping[str, tuple[str, ...]]],
    contact: Mapping[str, tuple[str, ...]],
    numbers: Mapping[str, tuple[str, ...]],
    risk: Mapping[str, tuple[str, ...]],
) -> None:
    """Every entry compiles and uses only lists it may use; every word list is used."""
    used: set[str] = set()
    list_names = set(words)

    def check(key: str, entry: str, builtins: Collection[str], needs: str | None = None) -> None:
        _check_pattern(path, key, entry, list_names | set(builtins), needs=needs)
        used.update(name for name in _PLACEHOLDER.findall(entry) if name in words)

    for name, entries in words.items():
        for index, entry in enumerate(entries):
            if _PLACEHOLDER.search(entry):
                raise LexiconError(path, f"words.{name}[{index}]", "word lists hold no {lists}")
            check(f"words.{name}[{index}]", entry, ())
    for key, entries in payment.items():
        builtins, needs = _PAYMENT_PLACEHOLDERS.get(key, (OBJECT_BUILTINS, None))
        for index, entry in enumerate(entries):
            check(f"payment.{key}[{index}]", entry, builtins, needs)
    for kind, entries in pitches.items():
        for index, entry in enumerate(entries):
            check(f"payment.pitches.{kind}[{index}]", entry, PAYMENT_BUILTINS | {"start"})
    for table_name, table in tables.items():
        for platform, entries in table.items():
            for index, entry in enumerate(entries):
                check(f"contact.{table_name}.{platform}[{index}]", entry, ())
    for key, entries in contact.items():
        for index, entry in enumerate(entries):
            where = f"contact.{key}[{index}]"
            if key == "intents":
                _check_names_platform(path, where, entry)
                check(where, entry, CONTACT_BUILTINS | {"start"})
            elif key == "ask_number":
                check(where, entry, CONTACT_BUILTINS | {"start"}, needs="phone")
            elif key in ("at", "dot"):
                _check_plain(path, where, entry)
            else:
                check(where, entry, ())
    for digit, entries in numbers.items():
        for index, entry in enumerate(entries):
            _check_plain(path, f"numbers.{digit}[{index}]", entry)
    for label, entries in risk.items():
        for index, entry in enumerate(entries):
            check(f"risk.{label}[{index}]", entry, RISK_BUILTINS | {"start"})
    for name in sorted(set(words) - used):
        raise LexiconError(path, f"words.{name}", "no entry uses this list")


# Payment lists whose entries may use detector lists: key → (lists, list every entry needs).
_PAYMENT_PLACEHOLDERS: dict[str, tuple[frozenset[str], str | None]] = {
    "cues": (frozenset({"start"}), None),
    "pay_verbs": (frozenset(), None),
    "clause": (frozenset(), None),
    "amount_end": (frozenset(), None),
    "amount_requests": (PAYMENT_BUILTINS | {"start"}, "amount"),
}
_REGEX_SYNTAX = frozenset("\\.^$*+?{}[]|()")


def _check_names_platform(path: Path, key: str, entry: str) -> None:
    """An intent is a phrase around a platform's name: detectors look for the name first."""
    if "{platform}" not in entry and "{any_platform}" not in entry:
        raise LexiconError(path, key, f"{entry!r} must contain {{platform}} or {{any_platform}}")


def _check_plain(path: Path, key: str, entry: str) -> None:
    """Words other modules read as words, not patterns (number words, "at", "dot")."""
    if any(char in _REGEX_SYNTAX for char in entry):
        raise LexiconError(path, key, f"{entry!r}: plain words only here, no pattern syntax")
