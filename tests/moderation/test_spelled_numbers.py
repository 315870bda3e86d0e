"""Phone numbers read out in words are found in every language of the lexicons, digit by digit
or in the compounds people read them in ("douze", "девятьсот двенадцать"); prose is not."""

import pytest

from moderation.normalization import normalize_views
from moderation.policy import check_text
from moderation.spelled_numbers import spelled_runs


def runs(text, languages=None):
    return [(text[start:end], digits) for start, end, digits in _spelled(text, languages)]


def _spelled(text, languages):
    return spelled_runs(normalize_views(text)[1].text, languages)


@pytest.mark.parametrize(
    ("language", "text", "digits"),
    [
        ("en", "zero seven nine one one, one two three four five six", "07911123456"),
        ("en", "oh seven nine double one, triple three four five", "07911333 45"),
        ("es", "seis uno dos, siete ocho, seis nueve, cuatro seis", "612786946"),
        ("fr", "zéro six, douze, trente-deux, quatre-vingt-neuf, soixante-quatre", "0612328964"),
        ("fr", "zéro sept, soixante et onze, quatre-vingt-dix-sept, dix, zéro un", "0771971001"),
        ("de", "null eins sieben zwei, drei vier fünf sechs sieben", "017234567"),
        ("it", "tre tre nove, uno due tre, quattro cinque sei sette", "3391234567"),
        ("nl", "nul zes, één twee, vier negen, drie drie, negen twee", "0612493392"),
        ("pl", "pięć jeden dwa, sześć siedem jeden, zero osiem jeden", "512671081"),
        (
            "ru",
            "восемь девятьсот двенадцать, триста девяносто восемь, семьдесят девять",
            "8912398 79",
        ),
        ("uk", "нуль п'ять нуль, один три два, сім шість шість п'ять", "0501327665"),
        ("tr", "sıfır beş yüz bir, yedi yüz otuz sekiz, altmış sekiz, altmış yedi", "05017386867"),
        ("tr", "sıfır beş yüz bir yedi yüz otuz sekiz on iki", "050173812"),
        ("ar", "صفر خمسة واحد، اثنين سبعة أربعة، خمسة واحد سبعة واحد", "0512745171"),
        ("hi", "आठ एक दो पाँच पाँच, छह दो एक तीन एक", "8125562131"),
        ("hi", "aath ek do paanch paanch, chhe do ek teen ek", "8125562131"),
        ("id", "nol delapan satu dua, tiga empat lima enam, tujuh delapan", "08123456 78"),
        ("vi", "không chín một hai, tám năm ba, hai hai sáu", "0912853226"),
        ("th", "ศูนย์แปดหนึ่ง สองสี่เก้า สองสี่ห้าสอง", "0812492452"),
        ("th", "เบอร์ศูนย์แปดหนึ่งสองสี่เก้าสองสี่ห้าสองนะ", "0812492452"),
        ("ja", "ぜろきゅうぜろ、いちななにさん、なないちにぜろ", "09017237120"),
        ("ja", "〇九〇・一二三四・五六七八に電話して", "09012345678"),
        ("zh", "一三一五二二三八五六五，打这个", "13152238565"),
        ("zh", "幺三八幺二三四五六七八", "13812345678"),
        ("ko", "공일공 이삼삼일 공육칠육 여기로 연락해", "01023310676"),
        ("tl", "sero siyam isa pito, apat lima anim, pito walo siyam", "0917456789"),
    ],
)
def test_a_number_read_out_in_words_is_found(language, text, digits):
    [(_, found)] = runs(text, [language])
    # A particle glued after the number may read as one more digit ("五六七八に": 2).
    assert found.startswith(digits.replace(" ", ""))
    # And the policy flags it, whatever the language hint.
    assert check_text(text, languages=[language]).action != "allow"
    assert check_text(text).action != "allow"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "one two three four five six seven, ready or not"),
        ("en", "I was born in nineteen ninety nine and my sister in two thousand one"),
        ("en", "one or two, maybe three"),
        ("en", "someone told me twenty one is too young"),
        ("fr", "on a vingt-deux ans, trente ans, et quarante ans"),
        ("de", "eins zwei drei vier fünf sechs sieben, ich komme"),
        ("es", "tengo dos hermanos y tres primos"),
        ("ru", "мне двадцать пять, ему тридцать"),
        ("tr", "bir iki gün sonra görüşürüz"),
        ("vi", "hai ba ngày nữa nhé, năm nay em hai mươi"),
        ("ja", "よろしくお願いします、にさんにちで返事します"),
        ("zh", "三五成群，一心一意"),
        ("ko", "이사 가는 날이 오일 남았어"),
        ("th", "สองสามวันนี้ยุ่งมาก"),
    ],
)
def test_counting_ages_and_ordinary_prose_are_no_number(language, text):
    assert runs(text, [language]) == []
    assert check_text(text, languages=[language]).action == "allow"


def test_the_words_of_languages_not_given_are_not_read():
    """Only the message's languages (and English) are read: Polish digit words in a Spanish
    conversation are words, not digits."""
    text = "pięć jeden dwa, sześć siedem jeden, zero osiem jeden"
    assert runs(text, ["es"]) == []
    assert runs(text, ["pl"]) != []
    assert runs(text) != []  # no hint: every language


def test_spans_point_into_the_original_text():
    text = "Ruf an: NULL eins sieben zwei drei vier fünf sechs sieben!"
    [(found, digits)] = runs(text, ["de"])
    assert found == "NULL eins sieben zwei drei vier fünf sechs sieben"
    assert digits == "017234567"
