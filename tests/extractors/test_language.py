"""Text -> Language: the combined decision on real text (langdetect, py3langid, the page's declaration)."""
import csv
from pathlib import Path

import pytest

from extractors.language import chunks, detect_language, majority, text_sample

ENGLISH = "The diaspora organisations strongly protest against the so-called presidential elections in the region."
RUSSIAN = "Азербайджанцы России выступили с обращением с целью недопущения инаугурации президента."
TURKISH = "Ermenistan işgalindeki Dağlık Karabağ'da yapılan seçimlere tepki gösterildi ve kınandı."
AZERBAIJANI = ("Azərbaycan Respublikasının Prezidenti bu gün paytaxtda xarici qonaqları qəbul edib və "
               "iki ölkə arasında əməkdaşlığın inkişafı ilə bağlı məsələləri müzakirə edib.")
KYRGYZ = ("Кыргыз Республикасынын Президенти бүгүн Бишкекте чет элдик меймандарды кабыл алып, "
          "эки тараптуу кызматташтыктын маселелерин талкуулады.")
KAZAKH = ("Қазақстан Республикасының Президенті бүгін Астанада шетелдік қонақтарды қабылдап, "
          "екіжақты ынтымақтастық мәселелерін талқылады.")
OWN = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "langid_news.tsv"


def test_languages_langdetect_knows_are_decided_by_both_detectors_agreeing():
    for text, code in ((ENGLISH, "en"), (RUSSIAN, "ru"), (TURKISH, "tr")):
        language = detect_language(text)
        assert (language.code, language.method) == (code, "agree")
        assert 0.5 < language.score <= 1.0
        assert language.langdetect_code == language.langid_code == code


@pytest.mark.parametrize("text, code, langdetect_says", [
    (AZERBAIJANI, "az", "tr"), (KYRGYZ, "ky", "ru"), (KAZAKH, "kk", "ru")])
def test_azerbaijani_kyrgyz_kazakh_come_from_the_second_opinion_and_langdetect_s_answer_is_kept(
        text, code, langdetect_says):
    language = detect_language(text)
    assert (language.code, language.method) == (code, "langid")
    assert language.score > 0.9
    assert language.langdetect_code == langdetect_says and language.langdetect_score > 0.5  # what it got wrong
    assert language.langid_code == code


def test_every_paragraph_of_our_labelled_set_is_right():
    with OWN.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert {row["language"] for row in rows} >= {"az", "tr", "ru", "uk", "ky", "kk", "en"}
    wrong = [(row["language"], detect_language(row["text"]).code, row["text"][:40]) for row in rows
             if detect_language(row["text"]).code != row["language"]]
    assert wrong == []


def test_answers_are_repeatable_on_short_ambiguous_text():
    for text in ("Karabakh OSCE Minsk Shusha Baku Ganja", "Ильхам Алиев Baku 2024 Shusha Qarabağ"):
        assert len({detect_language(text) for _ in range(20)}) == 1


def test_too_little_text_is_undetermined():
    for text in ("", "12 345 — !!", "Baku", "Qarabağ Azərbaycan"):
        language = detect_language(text)
        assert (language.code, language.score, language.method) == ("und", 0.0, "too_short")


def test_short_text_the_detectors_disagree_on_is_undetermined_not_a_confident_guess():
    language = detect_language("Karabakh OSCE Minsk Shusha Baku")
    assert language.code == "und" and language.method == "disputed"
    assert language.langdetect_code and language.langid_code  # both answers kept for the audit


def test_half_and_half_text_is_mixed_and_a_minority_paragraph_only_lowers_the_score():
    for first, second in ((ENGLISH, RUSSIAN), (AZERBAIJANI, KAZAKH), (KYRGYZ, KAZAKH)):
        half = detect_language(f"{first}\n{second}")
        assert (half.code, half.method) == ("und", "mixed")
        assert half.score < 0.6  # the largest share of letters any one language holds
    mostly = detect_language("\n".join([KAZAKH, KAZAKH.replace("бүгін", "кеше"), KAZAKH[:-1] + "!", RUSSIAN]))
    assert mostly.code == "kk" and 0.6 <= mostly.score < 0.9


def test_the_page_declaration_settles_a_disagreement_but_never_beats_two_detectors():
    disputed = "Karabakh OSCE Minsk Shusha Baku"
    settled = detect_language(disputed, declared=detect_language(disputed).langdetect_code)
    assert settled.method == "declared" and settled.code == settled.langdetect_code
    template_default = detect_language(RUSSIAN, declared="en")
    assert (template_default.code, template_default.method, template_default.declared) == ("ru", "agree", "en")
    wrong_template = detect_language(KYRGYZ, declared="ru")  # a Kyrgyz site whose template says ru
    assert wrong_template.code == "ky"


def test_mojibake_turkish_is_not_taken_for_turkmen():
    # Turkish saved as cp1254 and read as cp1252: langid reads "ý" and "þ" as Turkmen
    mojibake = "Beslenme alýþkanlýðýmýzý deðiþtirir, ama en önemlisi metabolizmanýn dengesini bozar."
    language = detect_language(mojibake)
    assert language.langid_code == "tk"
    assert language.code != "tk"


def test_only_a_bounded_sample_is_read():
    text = ENGLISH * 3 + " " + RUSSIAN * 200
    assert detect_language(text, sample_chars=300).code == "en"
    assert len(text_sample(text, 300)) <= 300
    assert "http" not in text_sample(f"{ENGLISH} https://example.com/a?b=c mail@example.com", 3000)


def test_chunks_are_paragraphs_or_runs_of_sentences_and_bylines_do_not_count():
    sample = f"By staff\n{ENGLISH} {ENGLISH}\n{RUSSIAN}\nPhoto: AP"
    parts = chunks(sample)
    assert [part[:3] for part in parts] == ["The", "The", "Азе"]
    focused, shares = majority(f"{RUSSIAN}\n{RUSSIAN}\n{RUSSIAN}\n{ENGLISH}")
    assert ENGLISH not in focused and 0.6 < shares["ru"] < 1.0
