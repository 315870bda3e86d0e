"""The web client's interface in the user's language: catalogs complete, pages translated.

The catalogs are read as files (a small .po reader below, no gettext tools needed): every string
marked in the templates ({% translate %}) or the client's JavaScript (gettext()) must have a
translation in each catalog, with the same placeholders, and the committed .mo must match.
"""

import ast
import gettext as gnu_gettext
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation.template import templatize

from chat.interface_language import interface_language_choose, interface_language_supported
from chat.models import Profile

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]
DOMAINS = ("django", "djangojs")
# The names makemessages hands xgettext (its own list plus xgettext's defaults), with the
# positions of the context and the message ids among the arguments.
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

# --- reading .po files ---------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header included, obsolete ones left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, value = line.partition(" ")
                fields[current] = _unquote(value.strip())
        if "msgid" not in fields:
            continue
        entry = Entry(
            msgid=fields["msgid"],
            context=fields.get("msgctxt"),
            plural=fields.get("msgid_plural"),
            flags=flags,
        )
        for name, value in fields.items():
            if name == "msgstr":
                entry.strings[0] = value
            elif match := re.fullmatch(r"msgstr\[(\d+)\]", name):
                entry.strings[int(match[1])] = value
        entries.append(entry)
    return entries


def catalog(language: str, domain: str) -> dict[tuple[str | None, str], Entry]:
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    return {entry.key: entry for entry in read_po(path) if entry.msgid}


# --- what the sources mark for translation -------------------------------------------------


def _calls(tokens: list[tuple[str, str]]) -> set[tuple[str | None, str]]:
    """(context, msgid) of every keyword call whose arguments are string literals (joined by
    +), from (kind, text) tokens where kind is "name", "string" (its value) or "op"."""
    found = set()
    for i, (kind, text) in enumerate(tokens):
        if kind != "name" or text not in KEYWORDS or tokens[i + 1 : i + 2] != [("op", "(")]:
            continue
        args: list[str | None] = []
        j, literal = i + 2, None
        while j < len(tokens):
            kind_j, text_j = tokens[j]
            if kind_j == "string":
                literal = (literal or "") + text_j
            elif (kind_j, text_j) == ("op", "+") and literal is not None:
                pass
            elif (kind_j, text_j) in {("op", ","), ("op", ")")}:
                args.append(literal)
                literal = None
                if text_j == ")":
                    break
            else:
                # Not a literal: skip to the end of this argument.
                depth = 0
                while j < len(tokens) and not (depth == 0 and tokens[j][1] in {",", ")"}):
                    depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(
                        tokens[j][1] if tokens[j][0] == "op" else "", 0
                    )
                    j += 1
                literal = None
                continue
            j += 1
        context_at, msgid_at, plural_at = KEYWORDS[text]
        msgid = args[msgid_at] if len(args) > msgid_at else None
        context = args[context_at] if context_at is not None and len(args) > context_at else None
        if msgid and (context_at is None or context is not None):
            found.add((context, msgid))
    return found


def template_strings(path: Path) -> set[tuple[str | None, str]]:
    """What makemessages finds in a template: Django's templatize, then a Python tokenizer."""
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    tokens = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME:
            tokens.append(("name", token.string))
        elif token.type == tokenize.STRING:
            tokens.append(("string", ast.literal_eval(token.string)))
        elif token.type == tokenize.OP:
            tokens.append(("op", token.string))
    return _calls(tokens)


_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# After these a slash starts a regular expression, not a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "do", "else", "in"}


def js_strings(path: Path) -> set[tuple[str | None, str]]:
    """What makemessages finds in a script: a small JavaScript tokenizer (strings, template
    literals without substitutions, comments, regular expressions)."""
    src = path.read_text(encoding="utf-8")
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if src.startswith("//", i):
            i = src.find("\n", i) if "\n" in src[i:] else len(src)
        elif src.startswith("/*", i):
            i = src.index("*/", i + 2) + 2
        elif ch in "\"'`":
            j, value, substituted = i + 1, [], False
            while src[j] != ch:
                if src[j] == "\\":
                    value.append(_JS_ESCAPES.get(src[j + 1], src[j + 1]))
                    j += 2
                    continue
                if ch == "`" and src.startswith("${", j):
                    substituted = True
                    depth, j = 1, j + 2
                    while depth:
                        depth += {"{": 1, "}": -1}.get(src[j], 0)
                        j += 1
                    continue
                value.append(src[j])
                j += 1
            tokens.append(("op", "`") if substituted else ("string", "".join(value)))
            i = j + 1
        elif ch == "/" and (not tokens or tokens[-1][1] in _REGEX_AFTER):
            j, in_class = i + 1, False
            while src[j] != "/" or in_class:
                if src[j] == "\\":
                    j += 1
                elif src[j] in "[]":
                    in_class = src[j] == "["
                j += 1
            i = j + 1
            while i < len(src) and src[i].isalpha():
                i += 1
            tokens.append(("regex", ""))
        elif ch.isalpha() or ch in "_$":
            j = i
            while j < len(src) and (src[j].isalnum() or src[j] in "_$"):
                j += 1
            tokens.append(("name", src[i:j]))
            i = j
        elif ch.isspace():
            i += 1
        else:
            tokens.append(("op", ch))
            i += 1
    return _calls(tokens)


def marked(domain: str) -> dict[tuple[str | None, str], str]:
    """Every string the sources of a domain mark, with the first file that marks it."""
    if domain == "django":
        files, read = sorted((ROOT / "templates").rglob("*.html")), template_strings
    else:
        files, read = sorted((ROOT / "static").rglob("*.js")), js_strings
    found: dict[tuple[str | None, str], str] = {}
    for path in files:
        for key in read(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


# --- placeholders --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifgxXeEr%])")


def placeholders(text: str) -> tuple[tuple[str, ...], int]:
    """(sorted named placeholders, count of positional ones); %% is not a placeholder."""
    named, positional = [], 0
    for match in _PLACEHOLDER.finditer(text):
        if match[2] == "%":
            continue
        if match[1]:
            named.append(match[1])
        else:
            positional += 1
    return tuple(sorted(named)), positional


# --- the catalogs --------------------------------------------------------------------------


def test_the_sources_mark_strings_for_both_catalogs():
    """Guards the checks below: the readers find the interface's strings at all."""
    assert marked("django"), "no {% translate %} found in templates/"
    assert marked("djangojs"), "no gettext() found in static/"


def test_the_javascript_reader_follows_what_xgettext_reads(tmp_path):
    script = tmp_path / "sample.js"
    script.write_text(
        "// gettext('in a comment')\n"
        "const re = /['\"]/g; const n = a / b / c;\n"
        'show(gettext("Hello") + x, ngettext("one", "many", n), pgettext("verb", "Send"));\n'
        "const t = gettext(`plain`), u = gettext(`not ${literal}`);\n"
        "ui.gettext('method'); gettext('a ' +\n  'b');\n"
    )

    assert js_strings(script) == {
        (None, "Hello"),
        (None, "one"),
        ("verb", "Send"),
        (None, "plain"),
        (None, "method"),  # xgettext reads obj.gettext() too
        (None, "a b"),
    }


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_has_a_translation(language, domain):
    entries = catalog(language, domain)
    missing = {key: where for key, where in marked(domain).items() if key not in entries}
    untranslated = [
        entry.msgid
        for entry in entries.values()
        if "fuzzy" in entry.flags or not entry.strings or not all(entry.strings.values())
    ]

    assert not missing, f"run ./scripts/i18n: {language}/{domain}.po lacks {missing}"
    assert not untranslated, f"{language}/{domain}.po: empty or fuzzy: {untranslated}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_original(language, domain):
    wrong = []
    for entry in catalog(language, domain).values():
        for n, text in entry.strings.items():
            originals = {entry.msgid} if entry.plural is None else {entry.msgid, entry.plural}
            if entry.plural is not None and n > 0:
                originals = {entry.plural}
            if placeholders(text) not in {placeholders(o) for o in originals}:
                wrong.append((entry.msgid, text))

    assert not wrong, f"{language}/{domain}.po: placeholders differ: {wrong}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_files_are_compiled_from_the_po_files(language, domain):
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
    with path.open("rb") as compiled:
        mo = gnu_gettext.GNUTranslations(compiled)
    stale = []
    for entry in catalog(language, domain).values():
        key = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.plural is None:
            got = {0: mo._catalog.get(key)}
        else:
            got = {n: mo._catalog.get((key, n)) for n in entry.strings}
        if got != entry.strings:
            stale.append(entry.msgid)

    assert not stale, f"run ./scripts/i18n to compile {language}/{domain}.mo: {stale}"


def test_every_interface_language_is_a_supported_reading_language():
    """Six interface languages; messages are read in twenty (the others see English menus)."""
    assert [code for code, _ in settings.LANGUAGES] == ["en", "es", "fr", "de", "it", "pt"]
    assert {code for code, _ in settings.LANGUAGES} <= set(settings.SUPPORTED_LANGUAGES)


# --- choosing the language -----------------------------------------------------------------


def test_the_interface_language_is_the_users_choice_then_their_reading_language():
    assert interface_language_choose(interface="es", reading="de") == "es"
    assert interface_language_choose(interface="", reading="de") == "de"
    assert interface_language_choose(interface="", reading="pt-BR") == "pt"
    assert interface_language_choose(interface="ar", reading="fr") == "fr"
    assert interface_language_choose(interface="", reading="ar") is None
    assert interface_language_supported("ja") is None


def es(msgid: str) -> str:
    with translation.override("es"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Spanish for {msgid!r}"
    return text


def signed_in(client, make_user, *, language: str, interface: str = ""):
    user = make_user(language=language)
    Profile.objects.filter(user=user).update(interface_language=interface)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_the_chat_page_speaks_the_users_interface_language(client, make_user):
    signed_in(client, make_user, language="en", interface="es")

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="es"' in page
    assert response["Content-Language"] == "es"
    assert es("Log out") in page


@pytest.mark.django_db
def test_without_a_choice_the_page_speaks_the_reading_language_else_the_browsers(client, make_user):
    signed_in(client, make_user, language="fr")
    assert '<html lang="fr"' in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    client.logout()
    signed_in(client, make_user, language="ar")  # not an interface language
    assert '<html lang="de"' in client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


@pytest.mark.django_db
def test_the_login_page_speaks_the_browsers_language(client):
    spanish = client.get("/login/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")
    english = client.get("/login/")

    assert '<html lang="es"' in spanish.content.decode()
    assert es("Sign in") in spanish.content.decode()
    assert "Contraseña" in spanish.content.decode()  # Django's own form labels follow
    assert '<html lang="en"' in english.content.decode()
    assert "Sign in" in english.content.decode()
    assert "Accept-Language" in spanish["Vary"]


@pytest.mark.django_db
def test_the_login_page_follows_a_signed_in_users_language(client, make_user):
    signed_in(client, make_user, language="en", interface="es")

    page = client.get("/login/").content.decode()

    assert '<html lang="es"' in page and es("Sign in") in page


@pytest.mark.django_db
def test_the_javascript_catalog_is_the_users_language(client, make_user):
    signed_in(client, make_user, language="en", interface="es")
    spanish = catalog("es", "djangojs")

    response = client.get("/jsi18n/")
    script = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    for entry in spanish.values():
        for text in entry.strings.values():
            assert json.dumps(text) in script, f"{entry.msgid!r} is not served in Spanish"


@pytest.mark.django_db
def test_the_javascript_catalog_follows_the_browser_before_sign_in(client):
    french = catalog("fr", "djangojs")

    script = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    some = next(iter(french.values()))
    assert json.dumps(some.strings[0]) in script


@pytest.mark.django_db(transaction=True)
async def test_the_interface_language_holds_on_the_async_stack(async_client, make_user):
    def given():
        user = make_user(language="en")
        Profile.objects.filter(user=user).update(interface_language="es")
        signed = Client()
        signed.force_login(user)
        return signed.cookies

    async_client.cookies = await database_sync_to_async(given)()

    response = await async_client.get("/")
    # The request's database work ran on the thread sync_to_async uses: let go of it.
    await database_sync_to_async(lambda: None)()

    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()
