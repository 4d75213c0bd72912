from collections import Counter
from pathlib import Path

from extractors.crosslingual import MIN_SCORE, anchor_score, anchors, skeleton, to_ascii

TUNING = Path(__file__).resolve().parents[1] / "data" / "dedupe" / "tuning"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def keys(text: str) -> set[str]:
    return {a.key for a in anchors(text)}


def test_one_name_in_four_scripts_and_spellings_has_one_key():
    spellings = ["The congress met in Orenburg today.", "Конгресс прошел в Оренбурге вчера.",
                 "Konqres dünən Orenburqda keçirilib.", "Kongre dün Orenburg'da toplandı, şöyle ki ğ ı."]
    assert len({frozenset(k for k in keys(t) if k.startswith("n:V")) for t in spellings}) == 1
    assert skeleton(to_ascii("Ходжалы", False)) == skeleton(to_ascii("Hocalı", True)) == skeleton("Khojaly")


def test_dates_in_words_or_digits_in_five_languages_meet():
    dates = ["The ceremony on May 21 in the city.", "Церемония 21 мая в городе.", "Tören 21 Mayıs'ta şehirde ışık.",
             "Mərasim mayın 21-də şəhərdə keçiriləcək.", "Церемонія 21 травня в місті.", "Ceremony on 21.05.2020."]
    for text in dates:
        assert "d:05-21" in keys(text), text


def test_numbers_acronyms_and_what_is_not_an_anchor():
    found = keys("Officials counted 2,500 people and 613 victims, NATO and GUAM said. The count was 7 in 2020.\n"
                 "Many Words In A Title Case Headline Here")
    assert {"#:2500", "#:613", "a:NATO", "a:GUAM", "y:2020"} <= found
    assert not [k for k in found if k in ("#:7", "n:mn")]          # single digits; sentence-initial "Many"
    assert not [k for k in found if k.startswith("n:") and k[2:] in ("wrd", "ttl", "Kdln")]  # headline words


def tuning_scores() -> dict[tuple[str, str], float]:
    seeds = {p.name[:3]: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    docs = {p.stem: p.read_text("utf-8") for p in sorted(TUNING.glob("*.txt"))}
    sets = {name: anchors(text) for name, text in {**{"seed" + k: v for k, v in seeds.items()}, **docs}.items()}
    df = Counter(a.key for found in sets.values() for a in found)
    return {(doc, seed): match.score for doc in docs for seed in seeds
            if (match := anchor_score(sets[doc], sets["seed" + seed], df, len(sets)))}


def test_translations_of_the_tuning_set_pair_with_their_seed_and_same_topic_articles_do_not():
    scores = tuning_scores()
    assert set(scores) == {("statement_ru", "001"), ("statement_tr", "001"), ("madagiz_uk", "003")}
    assert all(MIN_SCORE <= s <= 1 for s in scores.values())


def test_a_candidate_names_its_evidence():
    a = anchors("Delegates from Orenburg, Samara, Primorye and Moldova met with NATO and GUAM on May 21.")
    b = anchors("Делегаты из Оренбурга, Самары, Приморья и Молдовы встретились с НАТО и ГУАМ 21 мая.")
    match = anchor_score(a, b, Counter(), 10)
    assert match is not None and match.shared >= 7 and match.score > 0.8
    assert "May 21 ~ 21 мая" in match.evidence and "Orenburg ~ Оренбурга" in match.evidence
    assert anchor_score(a, anchors("Delegates met in Vienna and Geneva."), Counter(), 10) is None
