"""Which pages are not articles (extractors.page_kind): by structure and words, in tr, ru, uk, az and en,
and by the host's not-found answer; real articles (the shared corpus, pages with cookie banners and
captcha comment forms, a headline that says "not found") stay articles."""
import gzip

import pytest

from core.records import Outcome
from engine.analysis import analyse_body
from extractors.article import extract_article
from extractors.page_kind import NotArticle, NotFoundAnswer, landed_on_not_found, page_kind, page_text
from testkit import not_articles as pages
from testkit.misbehaving import article_page
from tests.conftest import SHARED

LANGUAGES = ("tr", "ru", "en", "uk", "az")
PROBE = "http://outlet.example/haber/mediamon-no-such-page-7f3a"


def kind(body: bytes, url: str = "http://outlet.example/haber/2020/05/appeal", not_found=None):
    verdict = page_kind(body, url, "text/html", extract_article(body, url, "text/html"), not_found)
    return verdict.outcome if verdict else None


def answer_of(body: bytes, probe: str = PROBE, final: str = PROBE) -> NotFoundAnswer:
    return NotFoundAnswer(probe, final, page_text(body, "text/html"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bot_challenges_in_every_language(lang):
    assert kind(pages.challenge_page(lang)) == Outcome.BOT_CHALLENGE
    assert kind(pages.captcha_page(lang)) == Outcome.BOT_CHALLENGE


def test_a_script_challenge_is_known_by_what_it_does_in_any_language():
    german = pages.challenge_page("tr").replace("Lütfen bekleyin".encode(), b"Bitte warten").replace(
        "Tarayıcınız kontrol ediliyor. Bu işlem birkaç saniye sürebilir.".encode(), b"Einen Moment bitte.").replace(
        "Devam etmek için JavaScript'i etkinleştirin.".encode(), b"Bitte aktivieren Sie JavaScript.")
    verdict = page_kind(german, "http://x/", "text/html", extract_article(german, "http://x/", "text/html"))
    assert verdict.outcome == Outcome.BOT_CHALLENGE and "sets a cookie" in verdict.reason


def test_a_challenge_platform_s_interstitial():
    verdict = page_kind(pages.challenge_with_platform_script(), "http://x/", "text/html", None)
    assert verdict.outcome == Outcome.BOT_CHALLENGE and "challenge markup" in verdict.reason


@pytest.mark.parametrize("lang", ("tr", "ru", "en"))
def test_consent_walls_by_their_buttons_or_their_platform(lang):
    assert kind(pages.consent_wall(lang)) == Outcome.CONSENT_WALL
    assert kind(pages.consent_wall(lang, with_buttons=False)) == Outcome.CONSENT_WALL


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_soft_404_that_says_so(lang):
    assert kind(pages.soft_404(lang, "/haber/2020/05/appeal")) == Outcome.SOFT_404


@pytest.mark.parametrize("lang", ("tr", "ru", "en"))
def test_a_soft_404_in_unlisted_words_is_known_only_by_the_host_s_answer(lang):
    page = pages.soft_404(lang, "/haber/2020/05/appeal", telling_title=False)
    answer = answer_of(pages.soft_404(lang, "/haber/mediamon-no-such-page-7f3a", telling_title=False))
    assert kind(page) is None  # no phrase list knows these words
    assert kind(page, not_found=answer) == Outcome.SOFT_404
    assert kind(pages.article(lang), not_found=answer) is None  # the host's real article, same chrome


def test_a_host_that_challenges_every_request_challenges_its_probe_too():
    for page in (pages.challenge_page("ru"), pages.consent_wall("tr")):
        expected = kind(page)
        assert expected in (Outcome.BOT_CHALLENGE, Outcome.CONSENT_WALL)
        assert kind(page, not_found=answer_of(page)) == expected  # not a soft 404


def test_a_redirected_probe_is_compared_by_where_pages_land():
    home = "http://outlet.example/"
    answer = NotFoundAnswer(PROBE, home, "home page text")
    landed = landed_on_not_found(home, True, answer)
    assert isinstance(landed, NotArticle) and landed.outcome == Outcome.SOFT_404
    assert landed_on_not_found(home, False, answer) is None                       # the home page itself
    assert landed_on_not_found("http://outlet.example/b", True, answer) is None   # an article that moved
    search = NotFoundAnswer(PROBE, "http://outlet.example/ara?q=mediamon-no-such-page-7f3a", "0 results")
    assert landed_on_not_found("http://outlet.example/ara?q=old-story", True, search).outcome == Outcome.SOFT_404
    assert kind(pages.article("tr"), not_found=answer) is None  # a redirected probe's text is not compared


@pytest.mark.parametrize("lang", ("tr", "ru", "en"))
def test_real_pages_with_banners_captcha_forms_or_scripts_stay_articles(lang):
    assert kind(pages.article(lang)) is None
    assert kind(pages.article_with_banner_and_captcha(lang)) is None


@pytest.mark.parametrize("title, text, lang", [
    ("Kayıp dağcı bulunamadı", "Arama kurtarma ekipleri üç gündür kayıp olan dağcıyı arıyor. " * 6, "tr"),
    ("Пропавший турист не найден", "Спасатели третий день ищут туриста в горах Кавказа. " * 6, "ru"),
    ("Missing hiker not found after three days", "Rescue teams searched the northern ridge again today. " * 6, "en"),
    ("Flight 404 lands safely", "The aircraft landed after a short delay caused by fog at the airport. " * 6, "en"),
    ("Cookie policy fines for three banks", "The regulator fined three banks over their loan terms and fees. " * 6,
     "en"),
])
def test_a_short_news_item_whose_headline_says_not_found_is_an_article(title, text, lang):
    assert kind(article_page(title, text, lang).encode()) is None


def test_empty_and_script_only_pages_are_left_to_extraction():
    for body in (b"", b"<html><body><div id='root'></div><script src='/app.js'></script></body></html>"):
        assert kind(body) is None


def _real_pages(aeb_pages) -> dict[str, bytes]:
    found = {key: page["html"] for key, page in aeb_pages.items()}
    news = SHARED / "corpus" / "news-tr-ru-uk"
    for path in sorted(news.glob("*/*.html*")):
        data = path.read_bytes()
        found[str(path.relative_to(news))] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


@pytest.mark.slow
def test_no_real_article_of_the_shared_corpus_becomes_not_an_article(aeb_pages):
    """The 181 benchmark pages and the 31 tr/ru/uk news pages, through the analysis step, alone and
    against not-found answers that share a site's chrome (each other news page as the host's answer;
    the news set holds copies of four benchmark pages: a page is never its own host's answer)."""
    real = _real_pages(aeb_pages)
    news = {key: body for key, body in real.items() if "/" in key}
    assert len(real) == 212 and len(news) == 31
    answers = {key: answer_of(body) for key, body in news.items()}
    alone, against_answers, compared = [], [], 0
    for key, body in real.items():
        url = f"http://outlet.example/haber/{key.replace('/', '-')}"
        analysis = analyse_body(body, url, "text/html", 1500)
        if isinstance(analysis, NotArticle):
            alone.append(key)
        article = analysis.article if analysis else None
        others = [answer for other, answer in answers.items() if news[other] != body]
        compared += len(others)
        against_answers += [key for answer in others if page_kind(body, url, "text/html", article, answer)]
    print(f"\nreal pages that became 'not an article': {len(alone)} of {len(real)} alone, "
          f"{len(against_answers)} of {compared} against another news page as the "
          "host's not-found answer")
    assert alone == [] and against_answers == []
