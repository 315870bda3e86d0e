"""On 5,574 real SMS the pipeline leaves casual chat alone and catches contact-carrying spam.

Targets: at most 0.5% of ham blocked and every flagged ham line a real contact or link (checked
by a deliberately simple pattern that shares no code with the detectors); at least 95% of the
spam that carries a phone number, short code, URL or e-mail flagged or blocked.
"""

import os
import re
from pathlib import Path

import pytest

from moderation.policy import Action, check_text

SMS_CORPUS = Path(
    os.environ.get("XLATE_SMS_CORPUS")
    or Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "sms-spam-collection"
    / "SMSSpamCollection.tsv"
)
pytestmark = pytest.mark.skipif(not SMS_CORPUS.exists(), reason="SMS Spam Collection not present")

# "Carries a contact", decided independently of the pipeline: a run of 5+ digits, possibly
# separated (phone numbers and premium short codes like "87121"), a URL, www. or bare domain,
# or an e-mail address.
CARRIES_CONTACT = re.compile(
    r"\d(?:[ .\-]?\d){4,}"
    r"|https?://|www\."
    r"|\b[\w\-]+\.(?:com|net|org|co\.uk|uk|biz|info|tv|us|ac)\b"
    r"|\S@\S+\.\w",
    re.IGNORECASE,
)
# What a flagged casual message must visibly contain: a phone-length digit run, an "@", a
# link, or a messenger named.
VISIBLE_CONTACT = re.compile(
    r"\d(?:[ .\-]?\d){6,}|@|https?://|www\.|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|net|org|edu|sg|uk)\b"
    r"|telegram|whatsapp|snap|insta|kik",
    re.IGNORECASE,
)


def _corpus(label: str) -> list[str]:
    with SMS_CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = (line.rstrip("\r\n").split("\t", 1) for line in handle)
        return [text for row_label, text in rows if row_label == label]


@pytest.fixture(scope="module")
def ham_verdicts():
    ham = _corpus("ham")
    assert len(ham) == 4827
    return [(text, check_text(text)) for text in ham]


def test_real_casual_sms_is_almost_never_blocked(ham_verdicts):
    blocked = [text for text, verdict in ham_verdicts if verdict.action is Action.BLOCK]
    assert len(blocked) <= 0.005 * len(ham_verdicts), blocked


def test_flagged_casual_sms_is_few_and_each_carries_a_real_contact_or_link(ham_verdicts):
    flagged = [text for text, verdict in ham_verdicts if verdict.action is Action.FLAG]
    assert len(flagged) <= 0.01 * len(ham_verdicts), flagged
    assert [text for text in flagged if not VISIBLE_CONTACT.search(text)] == []


def test_spam_carrying_a_contact_is_flagged_or_blocked():
    spam = _corpus("spam")
    carrying = [text for text in spam if CARRIES_CONTACT.search(text)]
    assert len(carrying) > 600
    missed = [text for text in carrying if check_text(text).action is Action.ALLOW]
    assert len(missed) <= 0.05 * len(carrying), missed
