"""Backfill from WARC files made elsewhere: records become fetch attempts with via 'warc'; damage is named."""
import gzip
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extractors.links import canonical_url
from engine.pool import analyse
from core.errors import ArchiveUnreadable
from flows.replay import backfill_warc, reprocess
from core.records import FetchResult, Outcome
from core.settings import Settings
from tests.conftest import AEB, needs_shared
from warehouse.db import open_snapshot

START = datetime(2020, 5, 1, 12, tzinfo=timezone.utc)
PAGES = 24


def query(db, sql, *params):
    with open_snapshot(db) as con:
        return con.execute(sql, list(params)).fetchall()


def _record(writer, url, when, status, headers, body, request=True):
    http = StatusAndHeaders(f"{status} X", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                       warc_headers_dict={"WARC-Date": when.strftime("%Y-%m-%dT%H:%M:%SZ")})
    writer.write_record(record)
    if request:
        asked = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=asked))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """A WARC written by warcio from benchmark pages: one page a day from 1 May 2020, then a 404, a
    redirect, a PDF and a gzip-encoded page as another crawler stores them. Returns (path, pages, offsets)."""
    needs_shared(AEB / "ground-truth.json")
    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    keys = sorted(truth)[:PAGES]
    pages = {truth[k]["url"]: gzip.decompress((AEB / "html" / f"{k}.html.gz").read_bytes()) for k in keys}
    path = tmp_path_factory.mktemp("crawl") / "crawl.warc.gz"
    offsets = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        html = [("Content-Type", "text/html; charset=utf-8")]
        for day, (url, body) in enumerate(pages.items()):
            offsets.append(handle.tell())
            _record(writer, url, START + timedelta(days=day), 200, html, body)
        later = START + timedelta(days=PAGES)
        _record(writer, "https://gone.example/story", later, 404, [("Content-Type", "text/html")], b"<h1>gone</h1>")
        _record(writer, "https://moved.example/a", later, 301, [("Location", "https://moved.example/b")], b"")
        _record(writer, "https://files.example/r.pdf", later, 200, [("Content-Type", "application/pdf")], b"%PDF-1.4")
        first_url, first_body = next(iter(pages.items()))
        _record(writer, first_url.replace("https://", "https://mirror."), later, 200,
                [*html, ("Content-Encoding", "gzip")], gzip.compress(first_body), request=False)
    return path, pages, offsets


def expected_hash(url, body):
    fetch = FetchResult(url=url, attempted_at=START, outcome=Outcome.OK, final_url=url,
                        content_type="text/html; charset=utf-8", body=body)
    return analyse(fetch, Settings()).content_sha256


def test_records_of_an_outside_warc_are_ingested_with_via_warc(crawl, loopback_env, monkeypatch):
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    path, pages, offsets = crawl
    db = loopback_env / "test.duckdb"

    report = backfill_warc(warc_files=[str(path)], db_path=str(db))

    assert report.status == "completed" and report.urls_planned == PAGES + 3  # the redirect is not a page
    assert report.counts.outcomes == {"ok": PAGES + 1, "http_error": 1, "not_html": 1}
    rows = query(db, "SELECT url, via, fetched_at, warc_file, warc_offset, content_sha256, payload_digest "
                     "FROM articles WHERE NOT url LIKE 'https://mirror.%' ORDER BY fetched_at")
    assert [r[0] for r in rows] == [canonical_url(url) for url in pages]  # as citations name them
    for day, ((url, via, fetched_at, warc_file, offset, sha, digest), body) in enumerate(zip(rows, pages.values())):
        assert (via, warc_file, offset) == ("warc", str(path.resolve()), offsets[day])
        assert fetched_at == START + timedelta(days=day)  # the capture date
        assert sha == expected_hash(url, body) and digest.startswith("sha1:")
    mirror = query(db, "SELECT content_sha256, duplicate_kind FROM articles WHERE url LIKE 'https://mirror.%'")
    assert mirror == [(rows[0][5], "exact")]  # decoded like the plain copy, and found to be its duplicate
    assert query(db, "SELECT outcome, http_status FROM fetches WHERE url = 'https://gone.example/story'") == [
        ("http_error", 404)]

    # the articles read back from the outside file are the same
    again = reprocess(db_path=str(db))
    assert again.status == "completed" and again.urls_planned == PAGES + 1 and again.counts.new_articles == 0


def test_since_and_until_filter_on_the_capture_date(crawl, loopback_env, monkeypatch):
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    path, pages, _ = crawl
    db = loopback_env / "test.duckdb"
    report = backfill_warc(warc_files=[str(path)], db_path=str(db), since="2020-05-03", until="2020-05-05")
    assert report.urls_planned == 3
    assert [d.day for (d,) in query(db, "SELECT fetched_at FROM articles ORDER BY fetched_at")] == [3, 4, 5]


def test_a_damaged_warc_keeps_every_record_before_the_damage(crawl, loopback_env, monkeypatch):
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    path, pages, offsets = crawl
    broken = loopback_env / "broken.warc.gz"
    cut = offsets[10] + 300  # inside the 11th page's record
    broken.write_bytes(path.read_bytes()[:cut])
    db = loopback_env / "test.duckdb"

    with pytest.raises(ArchiveUnreadable, match=rf"broken\.warc\.gz: damaged from byte {offsets[10]} \(.+\); "
                                                 "nothing after it could be read; 20 records read, 10 ingested"):
        backfill_warc(warc_files=[str(broken)], db_path=str(db))

    assert query(db, "SELECT count(*) FROM articles") == [(10,)]
    [(status, error, planned)] = query(db, "SELECT status, error, urls_planned FROM runs")
    assert status == "failed" and f"broken.warc.gz: damaged from byte {offsets[10]} (" in error and planned == 10
