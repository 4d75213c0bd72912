"""Migration 002: each detector's answer and the page's declaration are stored and shown in the views."""
import hashlib
from datetime import datetime, timezone

from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from core.records import Article, FetchResult, Language, Outcome, Page
from warehouse import Warehouse

KYRGYZ = Language("ky", 0.998, "langid", langdetect_code="ru", langdetect_score=0.99999, langid_code="ky",
                  langid_score=0.998, declared="ru")
AUDIT = "language, language_score, language_method, langdetect_language, langdetect_score, langid_language, " \
        "langid_score, declared_language"


def _page(url: str, text: str, language: Language) -> Page:
    fetch = FetchResult(url=url, attempted_at=datetime.now(timezone.utc), outcome=Outcome.OK, final_url=url,
                        body=b"<html></html>")
    return Page(fetch, Article(text, "t", None, None, None, "test"), language, fingerprint(text),
                hashlib.sha256(text.encode()).hexdigest())


def test_articles_and_seeds_show_each_detector_s_answer(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([_page("http://a.test/1", "Бишкекте жаңы көпүрө ачылды " * 20, KYRGYZ),
                                _page("http://a.test/2", "short", Language("und", 0.0, "too_short"))], run)
        seed = parse_seed("Кыргызстанда жаңы мектеп ачылды, шаардын тургундары кубанышты.\n", "s.txt")
        warehouse.store_seeds([(seed, KYRGYZ, fingerprint(seed.text))], run)
        articles = {url: tuple(rest) for url, *rest in warehouse.con.execute(f"SELECT url, {AUDIT} FROM articles")
                    .fetchall()}
        seeds = warehouse.con.execute(f"SELECT {AUDIT} FROM seeds").fetchall()
    assert articles["http://a.test/1"] == ("ky", 0.998, "langid", "ru", 0.99999, "ky", 0.998, "ru")
    assert articles["http://a.test/2"] == ("und", 0.0, "too_short", None, None, None, None, None)
    assert seeds == [("ky", 0.998, "langid", "ru", 0.99999, "ky", 0.998, "ru")]
