"""The decision rule, on detectors' answers alone (no text, no detector): each clause of its docstring."""
from extractors.alphabets import fits, outside_share
from extractors.language_rule import (LANGDETECT_LANGUAGES, LANGID_LANGUAGES, SECOND_OPINION_ONLY, Decision,
                                      Guess, decide)


def ranking(*pairs):
    return tuple(Guess(code, score) for code, score in pairs)


def test_too_few_letters_or_no_second_opinion_is_undetermined():
    assert decide(ranking(("en", 1.0)), ranking(("en", 1.0)), letters=19) == Decision("und", 0.0, "too_short")
    assert decide(ranking(("en", 1.0)), (), letters=200) == Decision("und", 0.0, "too_short")


def test_agreement_scores_the_less_sure_detector():
    assert decide(ranking(("ru", 0.99)), ranking(("ru", 0.8)), letters=200) == Decision("ru", 0.8, "agree")


def test_a_language_langdetect_lacks_is_taken_from_langid_when_langdetect_says_its_usual_confusion():
    assert decide(ranking(("tr", 0.99999)), ranking(("az", 0.97), ("tr", 0.03)), letters=200) == Decision(
        "az", 0.97, "langid")
    assert decide(ranking(("ru", 0.99999)), ranking(("ky", 0.9)), letters=200).code == "ky"
    assert decide(ranking(("uk", 0.99999)), ranking(("kk", 0.9)), letters=200).code == "kk"
    assert decide(ranking(("et", 1.0)), ranking(("ka", 1.0)), letters=200).code == "ka"  # a script langdetect lacks


def test_but_not_against_a_sure_langdetect_answer_that_is_no_known_confusion():
    assert decide(ranking(("en", 0.99999)), ranking(("az", 0.9)), letters=200) == Decision("und", 0.0, "disputed")
    assert decide(ranking(("en", 0.6)), ranking(("az", 0.9)), letters=200).code == "az"  # langdetect unsure


def test_nor_when_langid_is_unsure_or_the_text_does_not_fit_the_alphabet():
    assert decide(ranking(("ru", 1.0)), ranking(("tt", 0.45), ("ky", 0.4)), letters=200).code == "und"
    assert decide(ranking(("tr", 1.0)), ranking(("tk", 0.9)), letters=200, misfits=frozenset({"tk"})).code == "und"


def test_the_declared_language_settles_a_disagreement_when_a_detector_supports_it():
    assert decide(ranking(("bg", 0.9), ("ru", 0.1)), ranking(("ru", 0.7)), "ru", letters=200) == Decision(
        "ru", 0.7, "declared")
    assert decide(ranking(("tr", 1.0)), ranking(("tt", 0.4), ("az", 0.35)), "az", letters=200) == Decision(
        "az", 0.35, "declared")
    assert decide(ranking(("bg", 0.9)), ranking(("mk", 0.7)), "ru", letters=200).code == "und"  # no support
    assert decide(ranking(("tr", 1.0)), ranking(("tt", 0.4), ("az", 0.35)), "az", letters=200,
                  misfits=frozenset({"az"})).code == "und"


def test_the_declared_language_never_beats_two_detectors_that_agree():
    assert decide(ranking(("ru", 1.0)), ranking(("ru", 1.0)), "en", letters=200).code == "ru"


def test_mixed_paragraphs_are_undetermined_and_a_minority_caps_the_score():
    assert decide(ranking(("en", 1.0)), ranking(("en", 1.0)), letters=200, shares={"en": 0.55, "ru": 0.45}) == \
        Decision("und", 0.55, "mixed")
    assert decide(ranking(("en", 1.0)), ranking(("en", 1.0)), letters=200, shares={"en": 0.75, "ru": 0.25}) == \
        Decision("en", 0.75, "agree")
    assert decide(ranking(("tr", 1.0)), ranking(("crh", 0.9)), letters=200, shares={"tr": 0.8, "ru": 0.2}) == \
        Decision("und", 0.0, "mixed")  # a label most paragraphs are not in


def test_langid_covers_langdetect_and_the_languages_it_lacks():
    assert {"az", "kk", "ky", "tk", "uz", "tt", "ba", "tg", "mn", "be", "hy", "ka"} <= SECOND_OPINION_ONLY
    assert not SECOND_OPINION_ONLY & LANGDETECT_LANGUAGES
    assert LANGID_LANGUAGES == LANGDETECT_LANGUAGES | SECOND_OPINION_ONLY


def test_alphabets_tell_turkmen_from_turkish_mojibake_and_kazakh_from_kyrgyz():
    assert fits("Türkmenistanyň paýtagtynda täze mekdep açyldy", "tk")
    assert not fits("Beslenme alýþkanlýðýmýzý deðiþtirir", "tk")
    assert fits("Кыргызстанда жаңы мектеп ачылды", "ky")
    assert not fits("Қазақстанда жаңа мектеп ашылды", "ky")
    assert not fits("Һәр бир шәхсин јашамаг, азадлыг һүгугу вар", "ba")  # Cyrillic Azerbaijani
    assert outside_share("NATO Қазақстанда", "kk") == 0.0  # only the alphabet's own script counts
    assert fits("any text at all", "hy")  # a script of its own: no check
