"""Validation of model output: commentary, lost links and numbers, untranslated text are refused;
real translations that merely look like those pass."""

from pathlib import Path

import pytest

from translation.commentary import (
    COMMENTARY_FILE,
    LANGUAGES,
    CommentaryLexiconError,
    commentary_in,
    lexicon,
    load_commentary,
)
from translation.failures import ProviderError
from translation.validation import checked_output, missing_protected, reads_the_same

SUPPORTED = ("en", "es", "fr", "de", "it", "pt")


def check(source: str, target: str, source_text: str, output: str) -> str:
    return checked_output(
        "anthropic",
        source_text=source_text,
        output=output,
        source=source,
        target=target,
        supported=SUPPORTED,
    )


# (source, target, message, model output, what the refusal says)
REFUSED = [
    # Commentary before the translation.
    ("en", "es", "Hi!", "¡Claro! Aquí tienes la traducción: ¡Hola!", "preamble"),
    ("es", "en", "¿Qué tal?", "Sure! Here's the translation:\n\nHow are you?", "preamble"),
    ("en", "fr", "See you tomorrow", "Voici la traduction : À demain", "preamble"),
    ("en", "de", "See you tomorrow", "Hier ist die Übersetzung:\nBis morgen", "preamble"),
    ("en", "it", "See you tomorrow", "Ecco la traduzione: A domani", "preamble"),
    ("en", "pt", "See you tomorrow", "Claro! Aqui está a tradução: Até amanhã", "preamble"),
    ("en", "ru", "See you tomorrow", "Вот перевод:\nДо завтра", "preamble"),
    ("en", "zh", "See you tomorrow", "以下是翻译：明天见", "preamble"),
    ("en", "ar", "See you tomorrow", "إليك الترجمة: أراك غدا", "preamble"),
    ("en", "tr", "See you tomorrow", "İşte çeviri: Yarın görüşürüz", "preamble"),
    ("es", "en", "Nos vemos", "Sure!\n\nSee you", "preamble"),
    ("en", "es", "See you", "Sure! Here you go:\nNos vemos", "preamble"),
    # Labels.
    ("es", "en", "Buenas noches", "Translation: Good night", "label"),
    ("en", "es", "Good night", "Traducción al español: Buenas noches", "label"),
    ("en", "es", "Good night", "**Spanish:** Buenas noches", "label"),
    ("en", "ja", "See you tomorrow", "翻訳：また明日", "label"),
    ("en", "zh", "Good night", "中文翻译：晚安", "label"),
    ("en", "ko", "See you tomorrow", "번역: 내일 봐요", "label"),
    ("en", "ru", "Good night", "Перевод:\nСпокойной ночи", "label"),
    ("en", "ru", "Good morning", "Перевод: Доброе утро", "label"),
    ("en", "de", "Good night", "Original: Good night\nÜbersetzung: Gute Nacht", "label"),
    # Notes after the translation.
    ("en", "es", "I miss you", "Te extraño (Nota: he mantenido el tono informal)", "note"),
    ("en", "fr", "I miss you", "Tu me manques\n\nRemarque : ton affectueux.", "note"),
    ("en", "de", "I miss you", "Ich vermisse dich [Anmerkung: wörtlich übersetzt]", "note"),
    ("en", "ja", "I miss you", "会いたい（注：カジュアルな表現です）", "note"),
    ("en", "zh", "I miss you", "我想你（注：口语化）", "note"),
    ("en", "ru", "I miss you", "Я скучаю по тебе (Примечание: неформальный тон)", "note"),
    ("en", "pt", "I miss you", "Sinto sua falta. Nota: tom carinhoso.", "note"),
    ("en", "it", "I miss you", "Mi manchi (letteralmente: «sei mancante a me»)", "note"),
    ("en", "ko", "I miss you", "보고 싶어 (참고: 반말)", "note"),
    ("en", "ar", "I miss you", "اشتقت إليك (ملاحظة: بنبرة ودية)", "note"),
    ("en", "tr", "I miss you", "Seni özledim (Not: samimi bir ifade)", "note"),
    ("en", "ja", "Good morning", "おはようございます\n\n※カジュアルに言うと「おはよう」", "note"),
    ("es", "en", "Buenos días", "Good morning (lit. 'good days')", "note"),
    # Explanations and alternatives.
    ("es", "en", "Te quiero", "I love you\n\nA word-for-word translation.", "explanation"),
    ("en", "es", "I love you", "Te quiero (traducido del inglés)", "explanation"),
    ("en", "pt", "I love you", "Te amo — mantive o tom carinhoso", "phrase"),
    ("en", "fr", "I love you", "Je t'aime, j'ai gardé le ton", "phrase"),
    ("en", "es", "Say OK", "Como IA, no puedo hacer eso.", "phrase"),
    ("en", "es", "What are you doing?", "¿Qué haces?\nO: ¿Qué estás haciendo?", "alternative"),
    ("en", "de", "What's up?", "Was machst du?\n\nOder förmlicher: Was machen Sie?", "alternative"),
    ("en", "fr", "What's up?", "Qu'est-ce que tu fais ? (ou : Tu fais quoi ?)", "alternative"),
    ("es", "en", "¿Qué haces?", "What are you doing? (or: What are you up to?)", "alternative"),
    ("en", "es", "I love you", "Te quiero (informal)", "alternative"),
    ("en", "fr", "Good morning", "Bonjour ! (ou « Salut ! » en plus familier)", "alternative"),
    ("en", "pt", "Good morning", "Bom dia!\nOu, mais informal: E aí!", "alternative"),
    ("en", "es", "Good morning", "Buenos días\n\nEspero que te sirva.", "explanation"),
    ("en", "es", "See you at the beach", "See you at the beach → Nos vemos en la playa", "repeats"),
    # The whole output quoted.
    ("en", "es", "Good night", '"Buenas noches"', "quoted"),
    ("en", "fr", "Good night", "« Bonne nuit »", "quoted"),
    ("en", "de", "Good night", "„Gute Nacht“", "quoted"),
    ("en", "ja", "Good night", "「おやすみなさい」", "quoted"),
    ("en", "ru", "Good night", "«Спокойной ночи»", "quoted"),
    ("en", "it", "Good night", "```\nBuona notte\n```", "quoted"),
    # Links, numbers, mentions, e-mail addresses and emoji lost.
    ("en", "es", "Check https://example.com/deal at 7 😂", "Mira la oferta a las 7 😂", "https://example.com/deal"),
    ("en", "de", "Meet at 19:30 @anna 😘", "Treffen um 19 Uhr @anna 😘", "19:30"),
    ("en", "fr", "Call me on 612 345 678", "Appelle-moi", "612, 345, 678"),
    ("en", "ja", "Thanks @mika 🙏", "ありがとう 🙏", "@mika"),
    ("es", "en", "Escríbeme a ana@example.com 💌", "Write to me 💌", "ana@example.com"),
    ("en", "ru", "I'll be there in 5 min 🚗", "Буду через пять минут", "5, 🚗"),
    ("en", "zh", "Meet me at 7 🍻", "七点见 🍻", "7"),
    ("en", "ar", "2 tickets please 🎟️", "تذكرتان من فضلك 🎟️", "2"),
    ("en", "it", "It costs 1,500 euros 💸", "Costa 1.500 euro", "💸"),
    ("en", "tr", "See you at 8 👋", "Görüşürüz 👋", "8"),
    ("en", "ko", "Ask @mina", "@minabel에게 물어봐", "@mina"),
    ("en", "es", "7 or 7?", "¿7 u 8?", "7"),
    # Unchanged text that cannot read the same in both languages.
    ("es", "en", "Hola", "Hola", "untranslated"),
    ("es", "en", "Buenos días", "buenos días!", "untranslated"),
    ("fr", "en", "Merci beaucoup", "Merci beaucoup", "untranslated"),
    ("de", "it", "Danke", "Danke", "untranslated"),
    ("pt", "es", "Obrigado", "Obrigado", "untranslated"),
    ("en", "ja", "Thank you", "Thank you", "untranslated"),
    ("ru", "en", "Привет", "Привет", "untranslated"),
    ("ja", "en", "ありがとう", "ありがとう", "untranslated"),
    ("ko", "en", "감사합니다", "감사합니다", "untranslated"),
    ("zh", "en", "谢谢", "谢谢", "untranslated"),
    ("ar", "en", "شكرا", "شكرا", "untranslated"),
    # Translated into the wrong script or language.
    ("en", "ja", "Good morning", "Доброе утро", "Cyrillic script"),
    ("en", "en", "x", "", "empty"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "target", "message", "output", "why"), REFUSED)
def test_bad_output_is_refused_as_a_provider_failure(source, target, message, output, why):
    """Commentary, lost protected pieces and untranslated text fail the call as bad_output, so
    the engine tries again or fails over and nothing is cached."""
    with pytest.raises(ProviderError) as refused:
        check(source, target, message, output)
    assert refused.value.code == "bad_output"
    assert why in refused.value.detail


# (source, target, message, model output)
ACCEPTED = [
    # Brackets, quotes and "note" that belong to the message.
    ("en", "es", "(not sure) see you at 8", "(no estoy seguro) nos vemos a las 8"),
    ("en", "es", 'He said "never" 😂', 'Dijo "nunca" 😂'),
    ("en", "fr", '"Carpe diem" is my motto', "« Carpe diem » est ma devise"),
    ("en", "es", '"Hi", she said, "bye"', '"Hola", dijo ella, "adiós"'),
    ("en", "ja", '"Good night"', "「おやすみなさい」"),
    ("es", "en", "Nota: trae tu DNI", "Note: bring your ID"),
    ("en", "de", "Note to self: buy wine 🍷", "Notiz an mich: Wein kaufen 🍷"),
    ("en", "es", "I left you a note on the fridge", "Te dejé una nota en la nevera"),
    ("en", "es", "Sorry! (note: I'm late)", "¡Perdón! (nota: llego tarde)"),
    ("en", "fr", "I'm late (literally: 2 hours)", "Je suis en retard (littéralement : 2 heures)"),
    ("es", "en", "¡Claro! Nos vemos a las 8", "Sure! See you at 8"),
    ("en", "es", "Sure!\nSee you at 8", "¡Claro!\nNos vemos a las 8"),
    ("es", "en", "¿Me ayudas con la traducción de mi CV?", "Can you help me translate my CV?"),
    ("en", "es", "lost in translation lol", "perdido en la traducción jaja"),
    ("en", "es", "Translation: hola = hello", "Traducción: hola = hello"),
    ("en", "es", "Pizza or sushi?\nOr: tacos?", "¿Pizza o sushi?\nO: ¿tacos?"),
    ("en", "es", "Or maybe: pizza?", "O quizás: ¿pizza?"),
    ("en", "es", "Here's my number: 612 345 678", "Aquí está mi número: 612 345 678"),
    ("en", "es", "Here it is:\nhttps://x.com/menu", "Aquí está:\nhttps://x.com/menu"),
    ("en", "de", "Shopping list:\n- milk\n- eggs", "Einkaufsliste:\n- Milch\n- Eier"),
    ("en", "ru", "Here is the transfer: 500 rubles", "Вот перевод: 500 рублей"),
    ("en", "tr", "See you in Istanbul", "İstanbul'da görüşürüz"),
    ("en", "fr", "The original is better", "L'original est meilleur"),
    ("en", "pl", "I'm here. Heads up: the door is red.", "Jestem tutaj. Uwaga: drzwi są czerwone."),
    ("en", "es", "I'm tired. Like: I'm not going.", "Estoy cansada. O sea: no voy."),
    ("en", "zh", "Attention: the shop closes at 9", "注意：商店9点关门"),
    ("en", "es", "English is hard: so many rules", "El inglés es difícil: tantas reglas"),
    ("es", "en", "Español: 9, matemáticas: 7", "Spanish: 9, math: 7"),
    ("en", "es", "Dress code (formal)", "Código de vestimenta (formal)"),
    ("de", "en", "Kannst du übersetzen: 'Ich liebe dich'?", "Can you translate: 'I love you'?"),
    ("en", "ru", "Send me the transfer, please", "Пришли мне перевод, пожалуйста"),
    ("en", "zh", "Sure:\n1. pizza\n2. sushi", "好的：\n1. 披萨\n2. 寿司"),
    # Identical output that reads the same in both languages.
    ("en", "es", "ok", "ok"),
    ("en", "es", "Lol 😂", "Lol 😂"),
    ("en", "fr", "Anna", "Anna"),
    ("es", "en", "https://x.com", "https://x.com"),
    ("en", "de", "12:30", "12:30"),
    ("es", "en", "jajaja", "jajaja"),
    ("ko", "en", "ㅋㅋㅋ", "ㅋㅋㅋ"),
    ("en", "ja", "Netflix?", "Netflix?"),
    ("es", "en", "Maria José", "Maria José"),
    ("es", "en", "ok cool", "ok cool"),
    ("en", "es", "😂😂😂", "😂😂😂"),
    ("en", "it", "@anna", "@anna"),
    ("en", "es", "Hola", "Hola"),  # a Spanish word in an English message is already Spanish
    ("en", "es", "Okkk looool", "okkk looool"),
    # Protected pieces kept, however the numbers are written.
    ("en", "de", "It costs 1,000 euros", "Es kostet 1.000 Euro"),
    ("en", "fr", "It costs 1000 euros", "Ça coûte 1\u202f000 euros"),
    ("en", "fr", "at 12:30", "à 12h30"),
    ("en", "ar", "3 cats", "٣ قطط"),
    ("en", "fr", "3.5 km", "3,5 km"),
    ("en", "zh", "See you at 12:30", "12点30分见"),
    ("en", "zh", "Look at https://x.com/a", "看看https://x.com/a"),
    ("en", "ko", "Ask @mina", "@mina에게 물어봐"),
    ("en", "es", "I ❤️ you", "Te ❤ quiero"),
    ("en", "es", "Mail ANA@Example.com", "Escribe a ana@example.com"),
    ("en", "ja", "Meet at 07:05", "7:05に会おう"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "target", "message", "output"), ACCEPTED)
def test_real_translations_pass(source, target, message, output):
    """What merely looks like commentary, reformatted numbers and text that reads the same in
    both languages pass unchanged."""
    assert check(source, target, message, output) == output.strip()


def test_an_echoed_message_fence_is_removed():
    assert check("en", "es", "Good night", "<message>\nBuenas noches\n</message>") == (
        "Buenas noches"
    )


def test_placeholders_are_left_to_the_engine():
    """A lost ⟦n⟧ is the engine's to catch: it then translates the unmasked text, which this
    check must not preempt by failing the provider."""
    assert missing_protected("Nos vemos a las ⟦1⟧ ⟦2⟧", "See you at") == []
    assert check("es", "en", "Nos vemos a las ⟦1⟧ ⟦2⟧", "See you at") == "See you at"


def test_missing_protected_lists_what_was_lost_in_order_once_per_occurrence():
    source = "See https://x.com/a at 7 or 7 with @anna 😂😂 ana@x.com"
    assert missing_protected(source, "Mira a las 7") == [
        "https://x.com/a",
        "7",
        "@anna",
        "😂",
        "😂",
        "ana@x.com",
    ]
    assert missing_protected(source, "Mira https://x.com/a a las 7 o 7, @Anna 😂😂 ana@x.com") == []


def test_a_link_path_keeps_its_case_and_a_link_is_not_part_of_a_longer_one():
    assert missing_protected("see t.me/Foo", "mira t.me/foo") == ["t.me/Foo"]
    assert missing_protected("see x.com", "mira x.community") == ["x.com"]


def test_reformatted_digits_count_once():
    """Each digit run serves one number: "1.5 or 15" needs both."""
    assert missing_protected("1.5 or 15", "1,5 o 15") == []
    assert len(missing_protected("1.5 or 15", "15")) == 1


@pytest.mark.parametrize(
    ("text", "source", "target", "same"),
    [
        ("Hola", "es", "en", False),
        ("Gracias", "es", "fr", False),
        ("Привет", "ru", "en", False),
        ("Anna", "en", "es", True),
        ("ok", "es", "en", True),
        ("hahaha", "en", "de", True),
        ("ahahah", "it", "en", True),
        ("kkkk", "pt", "en", True),
        ("哈哈", "zh", "en", True),
        ("Hola", "en", "es", True),
        ("Terima kasih", "id", "en", True),  # no vocabulary for Indonesian: benefit of doubt
    ],
)
def test_reads_the_same(text, source, target, same):
    """Identical output passes for names, laughs and universal words; not for a word the
    lexicon knows only in the source language, nor for text in a script the target lacks."""
    assert reads_the_same(text, source, target) is same


# --- the commentary lexicon ----------------------------------------------------------------------


def test_every_served_language_has_commentary_words():
    served = {
        "en", "es", "pt", "fr", "de", "it", "nl", "pl", "ru", "uk", "tr", "ar", "hi", "id", "vi",
        "th", "ja", "zh", "ko", "tl",
    }  # fmt: skip
    assert served <= set(LANGUAGES) <= set(lexicon().languages)


def _entries(code: str, key: str) -> list[str]:
    return [entry.strip("*") for entry in getattr(lexicon().languages[code], key)]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_listed_phrase_is_caught_and_forgiven_when_the_message_has_it(code):
    """Each entry of the file matches in the shape it is listed for, in the language's own
    output; and the same text as the message is never refused."""
    shapes = [
        *(f"hmm {phrase} hmm" for phrase in _entries(code, "phrases")),
        *(f"{label}: hmm" for label in _entries(code, "labels")),
        *(f"{label}:\nhmm" for label in _entries(code, "line_labels")),
        *(f"hmm ({note}: hmm)" for note in _entries(code, "notes")),
        *(f"hmm\n{note}: hmm" for note in _entries(code, "notes")),
        *(f"hmm\n{alternative}: hmm" for alternative in _entries(code, "alternatives")),
        *(f"hmm ({alternative}: hmm)" for alternative in _entries(code, "alternatives")),
        *(f"{presenter}:\nhmm" for presenter in _entries(code, "presenters")),
        *(f"hmm\n{closer}" for closer in _entries(code, "closers")),
        *(f"{opener}!\nhmm" for opener in _entries(code, "openers")),
    ]
    for text in shapes:
        assert commentary_in(text, source_text="hmm", source="en", target=code), text
        assert commentary_in(text, source_text=text, source="en", target=code) is None, text


def _broken(tmp_path: Path, edit) -> Path:
    path = tmp_path / "commentary.toml"
    path.write_text(edit(COMMENTARY_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text.replace("\n[tl]\n", "\n[xx]\n"), "tl: missing"),
        (lambda text: text.replace("[en]\n", '[en]\nbogus = ["x"]\n', 1), "en.bogus: unknown"),
        (lambda text: text.replace('= ["translat*"]', '= ["trans*lat"]'), "'*' only"),
        (lambda text: text.replace('scripts = ["Latin"]', 'scripts = ["Latinish"]', 1), "Latinish"),
        (lambda text: text.replace('"nota", "notas"', '"nota", "Nota"', 1), "same as"),
        (lambda text: text.replace('translation = ["translat*"]', "translation = []"), "non-empty"),
        (lambda text: text + "\n[english]\n", "not a language code"),
        (lambda text: text.replace("[universal]", "[universal", 1), "not valid TOML"),
    ],
)
def test_a_broken_lexicon_fails_at_load_naming_the_key(tmp_path, edit, problem):
    """A broken commentary.toml stops the process at start, naming what is wrong."""
    with pytest.raises(CommentaryLexiconError, match=problem.replace(".", r"\.")):
        load_commentary(_broken(tmp_path, edit))


def test_the_shipped_lexicon_loads():
    assert load_commentary().languages.keys() == lexicon().languages.keys()
