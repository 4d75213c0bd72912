from collections import Counter
from pathlib import Path

from core.transliteration import close_spellings
from core.similarity import MIN_SCORE, anchor_score
from extractors.crosslingual import anchors, skeleton, to_ascii

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


PAIRS = Path(__file__).resolve().parents[1] / "data" / "dedupe" / "pairs"


def test_a_shared_skeleton_is_a_shared_name_only_when_the_spellings_agree():
    for one, other in [("Оренбурга", "Orenburg"), ("Hocalı", "Ходжалы"), ("Qarabağda", "Karabakh"),
                       ("Нагірного", "Нагорного"), ("Kocaeli", "Коджаэли"), ("Гянджу", "Ganja"), ("Moskova", "Moscow")]:
        assert close_spellings(one, other), (one, other)
    for one, other in [("Calhoun", "Kollegen"), ("Khaldun", "Cloud"), ("County", "Kontext"), ("Hareketi", "Georgian"),
                       ("Fransa", "Friendship"), ("Kipr", "Cooperation")]:
        assert skeleton(to_ascii(one, False))[:3] == skeleton(to_ascii(other, False))[:3]   # one index key...
        assert not close_spellings(one, other), (one, other)                               # ...but no evidence


def test_bare_small_numbers_and_years_are_never_enough():
    # the Russian diet article and Portuguese standings page: "5 shared anchors: 40; 14; 20; 30; 10"
    diet = anchors("Диета рассчитана на 14 дней. В первые 10 дней — не более 20 граммов углеводов, затем 30 и 40 "
                   "граммов. Вес снижается на 12 процентов к 2019 году, по данным 2018 года; 15, 25 и 50 граммов.")
    standings = anchors("Classificação após a etapa 14: o piloto tem 40 pontos, 20 à frente do 10.º; 30 voltas, "
                        "12 pódios em 2019 e 2018. Os carros 15, 25 e 50 abandonaram.")
    assert len({a.key for a in diet} & {a.key for a in standings}) >= 10
    assert anchor_score(diet, standings, Counter(), 200) is None
    # numbers of three or more significant digits, in the same order, are evidence
    table = "Results: 1,283 votes, 947 abstentions, 3,512 ballots, 611 void, 8,087 postal, 4,129 total, 163 late."
    assert anchor_score(anchors(table), anchors("Итоги: 1283 голоса, 947 воздержались, 3512 бюллетеней, 611 "
                                                "недействительных, 8087 по почте, 4129 всего, 163 опоздали."),
                        Counter(), 200) is not None


def test_transliteration_coincidences_of_common_words_are_not_enough():
    # the English county news item and German article: "Calhoun ~ Kollegen; Khaldun ~ Cloud; County ~ Kontext"
    news = anchors("Deputies in Calhoun County said the Khaldun family reported the theft to the Berrien sheriff. "
                   "The Health department and Human Services said Press releases follow, all Rights Reserved.")
    german = anchors("Mit den Kollegen hat sie die Cloud im Kontext der Branchen geprüft, sagte die Personal "
                     "abteilung. Healthcare und Kommunikationsnetz, Servern und Resources, Strategien für 2019.")
    assert len({a.key for a in news} & {a.key for a in german}) >= 7
    assert anchor_score(news, german, Counter(), 200) is None


def test_anchors_keep_the_text_order_and_strong_anchors_out_of_order_do_not_count():
    found = anchors("On May 21 delegates from Orenburg met NATO. Samara sent 1,283 people. Delegates from Samara left.")
    assert [a.key for a in found][:5] == ["d:05-21", "n:Vrnb", "a:NATO", "n:smr", "#:1283"]
    names = ["Orenburg", "Samara", "Primorye", "Moldova", "Kocaeli", "Derince", "Stepanakert", "Vardenis"]
    forward = anchors("Delegates came from " + ", then ".join(names) + ".")
    assert anchor_score(forward, anchors("Делегаты из " + ", затем ".join(names) + "."), Counter(), 50) is not None
    backward = anchors("Делегаты из " + ", затем ".join(reversed(names)) + ".")
    assert anchor_score(forward, backward, Counter(), 50) is None


def test_azerbaijani_and_german_month_forms_date_a_day_and_english_weekdays_are_no_names():
    assert "d:10-12" in keys("Proqram oktyabrın 12-də başlayıb, şəhərdə ışıq.")
    assert "d:06-09" in keys("Die Beschäftigten haben am Sonntag, dem 9. Juni, die Arbeit niedergelegt.")
    assert not [k for k in keys("The garden is open every Saturday and on Sunday mornings.") if k.startswith("n:")]


def test_own_translations_in_five_language_pairs_pair_and_their_look_alikes_do_not():
    rows = [line.split("\t") for line in (PAIRS / "pairs.tsv").read_text("utf-8").splitlines()[1:]]
    sets = {p.stem: anchors(p.read_text("utf-8")) for p in sorted(PAIRS.glob("*.txt"))}
    sets.update({f"tuning_{p.stem}": anchors(p.read_text("utf-8")) for p in sorted(TUNING.glob("*.txt"))})
    df = Counter(a.key for found in sets.values() for a in found)
    paired = {(left, right) for left, right, _ in rows if anchor_score(sets[left], sets[right], df, len(sets))}
    assert paired == {(left, right) for left, right, relation in rows if relation == "translation"}
