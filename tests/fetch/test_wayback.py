"""Dead links are looked up in a web archive (a local stand-in speaking the Wayback Machine's CDX API)."""
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from fetch import Fetcher
from fetch.wayback import Capture, choose_capture, parse_cdx
from flows.replay import reprocess
from flows.runs import nightly_run
from core.records import Outcome
from core.settings import Settings
from testkit.wayback_standin import Snapshot, WaybackStandIn
from testkit.loopback import LoopbackServer, Reply, html_page
from archive.writer import WarcArchive
from archive.reader import read_response
from warehouse.db import open_snapshot

MAY_2020 = ("The inauguration ceremony planned in Shusha on May 21 drew protests from diaspora organisations "
            "in many countries, who called the vote a provocation against international law. ") * 4
LATER = "This page has been replaced by a subscription offer and a list of unrelated headlines. " * 4
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=4, connect_timeout=1, read_timeout=1,
            total_timeout=2, max_attempts=2, backoff_base=0, wayback=True)


def capture(stamp: str) -> Capture:
    return Capture(stamp, "http://x.example/a", datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc))


def test_the_capture_chosen_is_the_latest_before_the_citing_date_else_the_first_after_else_the_latest():
    captures = [capture("20190101000000"), capture("20200520120000"), capture("20200522230000"),
                capture("20230301000000")]
    assert choose_capture(captures, date(2020, 5, 22)).timestamp == "20200522230000"  # the same day counts as before
    assert choose_capture(captures, date(2020, 5, 21)).timestamp == "20200520120000"
    assert choose_capture(captures, date(2018, 1, 1)).timestamp == "20190101000000"
    assert choose_capture(captures, None).timestamp == "20230301000000"
    assert choose_capture([], date(2020, 5, 22)) is None


def test_cdx_answers_are_read_by_their_header_row():
    body = b'[["original","timestamp","statuscode"],["http://a/","20200520120000","200"],["http://a/","2021","404"]]'
    assert [c.timestamp for c in parse_cdx(body)] == ["20200520120000"]
    assert parse_cdx(b"[]") == [] and parse_cdx(b"") == []
    with pytest.raises(ValueError):
        parse_cdx(b"<html>rate limited</html>")


@pytest.fixture
def outlet():
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def wayback():
    with WaybackStandIn() as archive:
        yield archive


def fetcher_for(base: str, tmp_path, **changes) -> Fetcher:
    return Fetcher(Settings(**{**FAST, "wayback_url": base, **changes}), sleep=lambda s: None,
                   archive=WarcArchive(tmp_path / "archive"))


def test_a_dead_link_is_fetched_from_the_capture_closest_before_the_seed(outlet, wayback, tmp_path):
    dead = outlet.url("/news/appeal")
    wayback.hold(dead, Snapshot("20200520120000", html_page("Appeal", [MAY_2020])),
                 Snapshot("20230115090000", html_page("Offer", [LATER])))
    fetcher = fetcher_for(wayback.base, tmp_path)
    live, snapshot = fetcher.fetch(dead, cited_at=date(2020, 5, 22))
    fetcher.close()
    assert (live.outcome, live.http_status, live.via) == (Outcome.HTTP_ERROR, 404, "live")
    assert (snapshot.outcome, snapshot.via, snapshot.url, snapshot.final_url) == (Outcome.OK, "web_archive", dead, dead)
    assert snapshot.snapshot_at == datetime(2020, 5, 20, 12, tzinfo=timezone.utc)
    assert snapshot.archive_url == f"{wayback.base}/web/20200520120000id_/{dead}"
    assert b"Shusha" in snapshot.body and snapshot.etag is None  # the archive's validators are not the outlet's
    lookup = parse_qs(urlsplit(wayback.requests[0]).query)
    assert lookup["url"] == [dead] and lookup["output"] == ["json"] and lookup["filter"] == ["statuscode:200"]
    assert wayback.requests[1] == f"/web/20200520120000id_/{dead}"  # the raw capture, not the replay page
    stored = read_response(tmp_path / "archive", snapshot.warc_file, snapshot.warc_offset)
    assert stored.url == snapshot.archive_url and stored.body == snapshot.body


def test_no_snapshot_is_recorded_as_not_archived(outlet, wayback, tmp_path):
    fetcher = fetcher_for(wayback.base, tmp_path)
    live, verdict = fetcher.fetch(outlet.url("/never-captured"), cited_at=date(2020, 5, 22))
    fetcher.close()
    assert live.outcome == Outcome.HTTP_ERROR
    assert (verdict.outcome, verdict.via, verdict.body) == (Outcome.NOT_ARCHIVED, "web_archive", None)
    assert verdict.archive_url.startswith(f"{wayback.base}/cdx/search/cdx?") and "no capture" in verdict.error


def test_an_archive_that_is_down_ends_the_url_with_the_lookup_failure(outlet, tmp_path):
    with WaybackStandIn() as gone:
        base = gone.base
    fetcher = fetcher_for(base, tmp_path)  # nothing listens there any more
    attempts = fetcher.fetch(outlet.url("/gone"), cited_at=date(2020, 5, 22))
    fetcher.close()
    assert attempts[0].outcome == Outcome.HTTP_ERROR and attempts[0].via == "live"
    assert [(a.outcome, a.via) for a in attempts[1:]] == [(Outcome.CONNECTION_ERROR, "web_archive")] * 2  # retried
    assert all(a.error.startswith("web archive lookup:") for a in attempts[1:])


def test_only_the_configured_dead_outcomes_go_to_the_archive(outlet, wayback, tmp_path):
    fetcher = fetcher_for(wayback.base, tmp_path, wayback_on=("410", "dns_error"))
    outlet.route("/withdrawn", Reply(410, b"gone", {"Content-Type": "text/plain"}))
    assert [a.via for a in fetcher.fetch(outlet.url("/missing"))] == ["live"]            # 404 is not listed
    assert [a.via for a in fetcher.fetch(outlet.url("/withdrawn"))] == ["live", "web_archive"]
    fetcher.close()
    off = fetcher_for(wayback.base, tmp_path, wayback=False)
    assert [a.via for a in off.fetch(outlet.url("/withdrawn"))] == ["live"]
    off.close()


def test_the_fallback_obeys_the_address_guard_and_the_size_cap(wayback, tmp_path):
    dead = "http://outlet.invalid/story"  # does not resolve: dns_error, a dead link
    wayback.hold(dead, Snapshot("20200520120000", html_page("Big", ["word " * 5000])))
    guarded = fetcher_for(wayback.base, tmp_path, allow_hosts=())
    assert [(a.outcome, a.via) for a in guarded.fetch(dead)] == [
        (Outcome.DNS_ERROR, "live"), (Outcome.BLOCKED_ADDRESS, "web_archive")]
    guarded.close()
    assert wayback.requests == []  # the stand-in on 127.0.0.1 was never asked
    small = fetcher_for(wayback.base, tmp_path, max_bytes=5000)
    assert [(a.outcome, a.via) for a in small.fetch(dead)] == [
        (Outcome.DNS_ERROR, "live"), (Outcome.TOO_LARGE, "web_archive")]
    small.close()


def test_a_seed_dated_may_2020_gets_its_dead_link_from_the_may_2020_capture(outlet, wayback, loopback_env,
                                                                              monkeypatch):
    dead = outlet.url("/news/2020/05/appeal")  # 404 on the outlet
    wayback.hold(dead, Snapshot("20200521080000", html_page("Appeal", [MAY_2020])),
                 Snapshot("20230601000000", html_page("Offer", [LATER])))
    monkeypatch.setenv("MEDIAMON_WAYBACK", "on")
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    monkeypatch.setenv("MEDIAMON_WAYBACK_URL", wayback.base)
    seeds = loopback_env / "seeds"
    seeds.mkdir()
    (seeds / "appeal.txt").write_text(f"The appeal\n\nBaku, 22 May 2020 — Diaspora organisations protest. {dead}\n")
    db = loopback_env / "test.duckdb"

    report = nightly_run(seeds_dir=str(seeds), db_path=str(db))

    assert report.status == "completed"
    with open_snapshot(db) as con:
        assert con.execute("SELECT published_at, published_at_source FROM seeds").fetchall() == [
            (date(2020, 5, 22), "text")]
        assert con.execute("SELECT via, outcome, http_status FROM fetches ORDER BY attempted_at").fetchall() == [
            ("live", "http_error", 404), ("web_archive", "ok", 200)]
        [(url, via, snapshot_at, archive_url, host, text, warc_file)] = con.execute(
            "SELECT url, via, snapshot_at, archive_url, host, text, warc_file FROM articles").fetchall()
    assert (url, via, host) == (dead, "web_archive", "127.0.0.1")
    assert snapshot_at == datetime(2020, 5, 21, 8, tzinfo=timezone.utc)
    assert archive_url == f"{wayback.base}/web/20200521080000id_/{dead}"
    assert "Shusha" in text and "subscription" not in text
    assert warc_file.endswith(".warc.gz")

    # reprocess reads the snapshot back from the raw archive: same article, same provenance
    asked = len(wayback.requests)
    again = reprocess(db_path=str(db))
    assert again.status == "completed" and again.urls_planned == 1 and len(wayback.requests) == asked
    with open_snapshot(db) as con:
        assert con.execute("SELECT via, snapshot_at, archive_url, text FROM articles").fetchall() == [
            ("web_archive", snapshot_at, archive_url, text)]
