"""Must-show (issue 21): pages that are not articles, served with status 200 on a loopback server in
Turkish, Russian and English, end as recorded outcomes (bot_challenge, consent_wall, soft_404), never
as article rows; a soft 404 in words no phrase list holds is caught by the host's not-found answer;
the web archive is asked for them as for a 404; the run's summary counts them."""
import json
from dataclasses import replace
from datetime import date

from warehouse.db import open_snapshot
import pytest

from core.records import Outcome
from core.settings import load_settings
from engine import jobs
from engine.batch import BatchProcessor
from fetch import Fetcher
from fetch.probe import PROBE_PREFIX
from testkit import not_articles as pages
from testkit.loopback import LoopbackServer, Reply
from testkit.wayback_standin import Snapshot, WaybackStandIn

HTML = {"Content-Type": "text/html; charset=utf-8"}
LANGUAGES = ("tr", "ru", "en")


@pytest.fixture
def settings(loopback_env):
    return replace(load_settings(), cpu_workers=1, wayback=False)


def process(settings, urls, workers=1):
    fetcher = Fetcher(settings)
    try:
        with BatchProcessor(fetcher, settings, cpu_workers=workers) as processor:
            return processor.process(urls, {})
    finally:
        fetcher.close()


def probes(server):
    return [r.path for r in server.requests if PROBE_PREFIX in r.path]


def serve_soft_404_site(server, lang, telling_title=False):
    """A CMS that answers every address it does not know with its not-found page, status 200."""
    server.fallback = lambda request: Reply(200, pages.soft_404(lang, request.path, telling_title), HTML)
    return (server.route("/haber/2020/05/appeal", Reply(200, pages.article(lang), HTML)),
            server.url("/haber/2020/05/removed-story"), server.url("/haber/2019/old-story"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_soft_404_in_unlisted_words_is_caught_by_the_host_s_not_found_answer(settings, lang):
    with LoopbackServer() as server:
        real, removed, older = serve_soft_404_site(server, lang)
        found = {page.fetch.url: page for page in process(settings, [real, removed, older])}
        assert len(probes(server)) == 1  # one probe for the host, however many of its pages came back
    assert found[real].fetch.outcome == Outcome.OK and found[real].article is not None
    for url in (removed, older):
        assert found[url].fetch.outcome == Outcome.SOFT_404 and found[url].article is None
        assert "of its text is in this host's answer for" in found[url].fetch.error and PROBE_PREFIX in found[url].fetch.error


def test_without_the_probe_that_soft_404_would_be_stored_as_an_article(settings):
    with LoopbackServer() as server:
        _real, removed, _older = serve_soft_404_site(server, "tr")
        [page] = process(replace(settings, not_found_probe=False), [removed])
        assert probes(server) == []
    assert page.fetch.outcome == Outcome.OK and page.article is not None  # what the probe prevents


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_soft_404_that_says_so_is_caught_by_its_own_title_with_or_without_the_probe(settings, lang):
    for probe in (True, False):
        with LoopbackServer() as server:
            _real, removed, _older = serve_soft_404_site(server, lang, telling_title=True)
            [page] = process(replace(settings, not_found_probe=probe), [removed])
        assert page.fetch.outcome == Outcome.SOFT_404 and page.article is None, (lang, probe)


def test_a_page_redirected_where_missing_addresses_land_is_a_soft_404_and_the_home_page_itself_is_not(settings):
    with LoopbackServer() as server:
        home = server.route("/", Reply(200, pages.article("ru", title="Главная"), HTML))
        server.fallback = lambda request: Reply(302, b"", {"Location": "/"})
        removed = server.url("/novosti/2020/removed")
        found = {page.fetch.url: page for page in process(settings, [removed, home])}
    assert found[removed].fetch.outcome == Outcome.SOFT_404 and found[removed].fetch.final_url == home
    assert "redirected to" in found[removed].fetch.error
    assert found[home].fetch.outcome == Outcome.OK


@pytest.mark.parametrize("lang", LANGUAGES)
def test_interstitials_are_not_articles(settings, lang):
    with LoopbackServer() as server:
        served = {
            Outcome.BOT_CHALLENGE: [server.route("/a/check", Reply(200, pages.challenge_page(lang), HTML)),
                                    server.route("/a/captcha", Reply(200, pages.captcha_page(lang), HTML))],
            Outcome.CONSENT_WALL: [server.route("/a/consent", Reply(200, pages.consent_wall(lang), HTML)),
                                   server.route("/a/cmp", Reply(200, pages.consent_wall(lang, with_buttons=False), HTML))],
            Outcome.OK: [server.route("/a/story", Reply(200, pages.article_with_banner_and_captcha(lang), HTML))],
        }
        if lang == "en":
            served[Outcome.BOT_CHALLENGE].append(
                server.route("/a/moment", Reply(200, pages.challenge_with_platform_script(), HTML)))
        found = {page.fetch.url: page for page in process(settings, [u for urls in served.values() for u in urls])}
    for outcome, urls in served.items():
        for url in urls:
            page = found[url]
            assert page.fetch.outcome == outcome, (lang, url, page.fetch.error)
            assert (page.article is None) == (outcome != Outcome.OK)
            assert outcome == Outcome.OK or page.fetch.error  # the evidence is recorded


def test_the_verdicts_travel_from_worker_processes(settings):
    with LoopbackServer() as server:
        real, removed, _older = serve_soft_404_site(server, "en")
        check = server.route("/a/check", Reply(200, pages.challenge_page("ru"), HTML))
        found = {page.fetch.url: page.fetch.outcome for page in process(settings, [real, removed, check], workers=2)}
    assert found == {real: Outcome.OK, removed: Outcome.SOFT_404, check: Outcome.BOT_CHALLENGE}


def test_a_challenged_page_is_read_from_the_web_archive_as_a_404_is(settings):
    with LoopbackServer() as server, WaybackStandIn() as wayback:
        challenged = server.route("/haber/2020/05/appeal", Reply(200, pages.challenge_page("tr"), HTML))
        wayback.hold(challenged, Snapshot("20200521080000", pages.article("tr")))
        on = replace(settings, wayback=True, wayback_url=wayback.base)
        fetcher = Fetcher(on)
        with BatchProcessor(fetcher, on, cpu_workers=1) as processor:
            live, snapshot = processor.process([challenged], {}, {challenged: date(2020, 5, 22)})
            off = replace(on, wayback_on=("404",))
            with BatchProcessor(fetcher, off, cpu_workers=1) as not_listed:
                assert len(not_listed.process([challenged], {})) == 1  # bot_challenge not listed: no fallback
        fetcher.close()
    assert (live.fetch.outcome, live.fetch.via) == (Outcome.BOT_CHALLENGE, "live")
    assert (snapshot.fetch.outcome, snapshot.fetch.via) == (Outcome.OK, "web_archive")
    assert snapshot.article is not None and "Karabağ" in snapshot.article.text


def test_the_run_records_them_as_outcomes_and_counts_them(settings):
    with LoopbackServer() as server:
        real, removed, _older = serve_soft_404_site(server, "tr")
        urls = [real, removed, server.route("/b/check", Reply(200, pages.challenge_page("ru"), HTML)),
                server.route("/b/consent", Reply(200, pages.consent_wall("en"), HTML))]
        report = jobs.run_recorded("backfill", settings,
                                   lambda warehouse, report: jobs.fetch_urls(warehouse, urls, report, settings))
    with open_snapshot(settings.db_path) as con:
        outcomes = dict(con.execute("SELECT url, outcome FROM fetches").fetchall())
        articles = [row[0] for row in con.execute("SELECT url FROM articles").fetchall()]
        run_outcomes, new_articles, failed = con.execute("SELECT outcomes, new_articles, failed FROM runs").fetchone()
        archived = con.execute("SELECT count(*) FROM fetches WHERE outcome <> 'ok' AND warc_file IS NULL").fetchone()
    assert outcomes == {real: "ok", removed: "soft_404", urls[2]: "bot_challenge", urls[3]: "consent_wall"}
    assert articles == [real] and new_articles == 1 and failed == 3
    assert json.loads(run_outcomes) == {"ok": 1, "soft_404": 1, "bot_challenge": 1, "consent_wall": 1}
    assert archived == (0,)  # their bytes are in the raw archive, as any fetch's
    rows = {row["what"].strip(): row["count"] for row in report.rows()}
    assert rows["soft_404"] == rows["bot_challenge"] == rows["consent_wall"] == "1"


def test_another_crawler_s_warc_records_are_judged_the_same_way(settings):
    from datetime import datetime, timezone
    from pathlib import Path

    from archive.reader import WarcResponse
    from engine.pool import analyse
    from engine.warc_source import CaptureTime, warc_fetch

    def record(status, headers, body):
        return WarcResponse("https://outlet.example/haber/1", datetime(2020, 5, 21, tzinfo=timezone.utc), status,
                            (("Content-Type", "text/html; charset=utf-8"), *headers), body, "crawl.warc.gz", 0, None)

    when = CaptureTime(datetime(2020, 5, 21, tzinfo=timezone.utc))
    challenged = warc_fetch(record(403, [("CF-Mitigated", "challenge")], b""), Path("/crawl.warc.gz"), 10**6, when)
    assert challenged.outcome == Outcome.BOT_CHALLENGE and "cf-mitigated: challenge" in challenged.error
    for body, outcome in ((pages.consent_wall("tr"), Outcome.CONSENT_WALL), (pages.challenge_page("ru"),
                          Outcome.BOT_CHALLENGE), (pages.soft_404("en", "/haber/1"), Outcome.SOFT_404),
                          (pages.article("en"), Outcome.OK)):
        page = analyse(warc_fetch(record(200, [], body), Path("/crawl.warc.gz"), 10**6, when), settings)
        assert (page.fetch.outcome, page.article is None) == (outcome, outcome != Outcome.OK)
