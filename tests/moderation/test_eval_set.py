"""The safety benchmark's multilingual evaluation set is well formed and covers what it claims.

Only the set's shape is checked here: its columns and values, its size, its languages, and that
every language has requests, contacts, disguised forms and hard negatives. How well the
detectors do on it is measured by bench/safety.py, not asserted.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

EVAL_SET = Path(__file__).resolve().parents[2] / "bench" / "data" / "safety-multilingual.tsv"
COLUMNS = ["language", "kind", "expected", "thread", "text"]
# The languages the safety v2 issue names; Hindi is written in Devanagari ("hi") and romanized.
LANGUAGES = {
    *("en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "ar", "hi", "hi-Latn"),
    *("id", "vi", "th", "ja", "zh", "ko", "tl"),
}
EXPECTED = {"block", "flag_or_block", "allow"}
# The kind of a plain line decides what it should get; prefixed kinds name a disguise, a split
# identifier or an innocent topic.
PLAIN_KINDS = {
    "payment_request": "block",
    "crypto": "block",
    "iban": "block",
    "phone": "flag_or_block",
    "email": "flag_or_block",
    "handle": "flag_or_block",
    "link": "flag_or_block",
    "scam_script": None,  # a money ask (block) or an off-platform move (flag_or_block)
}
PREFIXED_KIND = re.compile(r"(obfuscated|hard_negative|split)_[a-z][a-z_]*")
REQUESTS = {"payment_request", "crypto", "iban"}
CONTACTS = {"phone", "email", "handle"}
STANDALONE = "-"


def _rows() -> list[dict[str, str]]:
    lines = [
        line
        for line in EVAL_SET.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0].split("\t") == COLUMNS
    return [dict(zip(COLUMNS, line.split("\t"), strict=False)) for line in lines[1:]]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


def test_the_set_starts_with_a_comment_that_explains_the_columns():
    head = EVAL_SET.read_text(encoding="utf-8").split("\nlanguage\t", 1)[0]
    assert head.startswith("#")
    assert all(f"{column} " in head for column in COLUMNS)


def test_every_line_has_five_non_empty_columns(rows):
    with EVAL_SET.open(encoding="utf-8") as handle:
        data = [line.rstrip("\n") for line in handle if line.strip() and line[0] != "#"]
    assert [line for line in data if len(line.split("\t")) != len(COLUMNS)] == []
    assert [row for row in rows if not all(value.strip() for value in row.values())] == []


def test_languages_and_expected_values_are_from_the_allowed_lists(rows):
    assert {row["language"] for row in rows} <= LANGUAGES
    assert {row["expected"] for row in rows} <= EXPECTED


def test_kinds_are_known_and_agree_with_what_is_expected(rows):
    unknown = [r["kind"] for r in rows if r["kind"] not in PLAIN_KINDS]
    assert [kind for kind in unknown if not PREFIXED_KIND.fullmatch(kind)] == []
    disagreeing = [
        (row["kind"], row["expected"], row["text"])
        for row in rows
        if PLAIN_KINDS.get(row["kind"]) not in (None, row["expected"])
        or (row["kind"].startswith("hard_negative_") != (row["expected"] == "allow"))
    ]
    assert disagreeing == []


def test_the_set_has_at_least_400_lines_in_at_least_15_languages(rows):
    assert len(rows) >= 400
    assert len({row["language"].split("-")[0] for row in rows}) >= 15


def test_every_language_has_requests_contacts_disguises_and_hard_negatives(rows):
    kinds = defaultdict(set)
    for row in rows:
        kinds[row["language"]].add(row["kind"])
    missing = {
        language: [
            what
            for what, present in (
                ("request", found & REQUESTS),
                ("contact", found & CONTACTS),
                ("obfuscated", {k for k in found if k.startswith("obfuscated_")}),
                ("hard negative", {k for k in found if k.startswith("hard_negative_")}),
            )
            if not present
        ]
        for language, found in kinds.items()
    }
    assert {language: gaps for language, gaps in missing.items() if gaps} == {}


def test_threads_are_consecutive_runs_of_one_case_and_split_kinds_are_threads(rows):
    runs: list[list[dict[str, str]]] = []
    previous = STANDALONE
    for row in rows:
        if row["thread"] != STANDALONE:
            if row["thread"] == previous:
                runs[-1].append(row)
            else:
                runs.append([row])
        previous = row["thread"]
    ids = Counter(run[0]["thread"] for run in runs)
    assert [thread for thread, count in ids.items() if count > 1] == []
    assert [run[0]["thread"] for run in runs if len(run) < 2] == []
    mixed = [
        run[0]["thread"]
        for run in runs
        if len({(row["language"], row["kind"], row["expected"]) for row in run}) > 1
    ]
    assert mixed == []
    assert [r["text"] for r in rows if r["kind"].startswith("split_") and r["thread"] == "-"] == []


def test_no_standalone_line_is_listed_twice_in_a_language(rows):
    texts = Counter((r["language"], r["text"]) for r in rows if r["thread"] == STANDALONE)
    assert [text for text, count in texts.items() if count > 1] == []
