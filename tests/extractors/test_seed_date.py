from datetime import date
from pathlib import Path

from extractors.seed_date import seed_published_at

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_dates_the_bundled_seeds_state():
    dates = {p.name[:3]: seed_published_at(p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))}
    assert dates == {"000": None, "001": date(2020, 9, 28), "002": None, "003": date(2020, 10, 4), "004": None}


def test_date_forms():
    assert seed_published_at("Baku, 22 May 2020 — The appeal") == date(2020, 5, 22)
    assert seed_published_at("May 21, 2020. Diaspora organisations") == date(2020, 5, 21)
    assert seed_published_at("Sun 04 Oct. 2020: Azerbaijan said") == date(2020, 10, 4)


def test_no_full_date_no_guess():
    assert seed_published_at("JUNE 2021\nArmenian President calls for resignation") is None
    assert seed_published_at("On 31 February 2020 nothing happened") is None
    assert seed_published_at("x" * 700 + " 2020-05-22") is None  # deep in the text: about events, not the seed
