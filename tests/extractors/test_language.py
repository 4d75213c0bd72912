from extractors.language import detect_language

ENGLISH = "The diaspora organisations strongly protest against the so-called presidential elections in the region."
RUSSIAN = "Азербайджанцы России выступили с обращением с целью недопущения инаугурации президента."
TURKISH = "Ermenistan işgalindeki Dağlık Karabağ'da yapılan seçimlere tepki gösterildi ve kınandı."


def test_detects_common_languages_with_a_score():
    for text, code in ((ENGLISH, "en"), (RUSSIAN, "ru"), (TURKISH, "tr")):
        language = detect_language(text)
        assert language.code == code
        assert 0.5 < language.score <= 1.0
        assert language.method == "langdetect"


def test_answers_are_repeatable_on_short_ambiguous_text():
    text = "Karabakh OSCE Minsk Shusha Baku"
    assert len({detect_language(text) for _ in range(20)}) == 1


def test_too_little_text_is_undetermined():
    assert detect_language("").code == "und"
    assert detect_language("12 345 — !!").code == "und"
    assert detect_language("Baku").code == "und"


def test_only_a_bounded_sample_is_read():
    text = ENGLISH * 3 + " " + RUSSIAN * 200
    assert detect_language(text, sample_chars=300).code == "en"
