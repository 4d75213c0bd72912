"""The WARC backfill job without Prefect: every readable record of every file is stored, each file's
result is reported, damage ends the run failed with one line per damaged file, and reprocess reads
back what was stored."""
from dataclasses import replace
from datetime import datetime, timezone

from warehouse.db import open_snapshot
import pytest

from core.errors import ArchiveUnreadable
from core.records import Outcome
from core.settings import load_settings
from engine import jobs
from engine.replay import reprocess_archive
from engine.warc_ingest import ingest_warc_files
from testkit import warcs

PAGES = warcs.pages(5)


@pytest.fixture
def settings(loopback_env):
    return replace(load_settings(), cpu_workers=1, batch_size=3)


def backfill(settings, paths, since=None, until=None):
    return jobs.run_recorded("backfill-warc", settings, lambda warehouse, report: ingest_warc_files(
        warehouse, settings, report, paths, since, until))


def query(settings, sql):
    with open_snapshot(settings.db_path) as con:
        return con.execute(sql).fetchall()


def files(tmp_path, **made):
    paths = []
    for name, built in made.items():
        path = tmp_path / name.replace("_", ".")
        path.write_bytes(built.data)
        paths.append(path)
    return paths


def test_every_html_response_of_every_layout_is_stored_and_reprocess_reads_it_back(tmp_path, settings):
    paths = files(tmp_path, a_arc=warcs.arc(PAGES[:2]), b_warc=warcs.warc(PAGES[2:3], compress=False),
                  c_warc_gz=warcs.whole_gzip(warcs.warc(PAGES[3:], compress=False)))
    report = backfill(settings, paths)
    assert report.status == "completed" and report.counts.outcomes == {"ok": 5}
    assert [(r.records, r.ingested, r.damage) for r in report.warc_files] == [(3, 2, ()), (3, 1, ()), (5, 2, ())]
    stored = dict(query(settings, "SELECT url, content_sha256 FROM articles"))
    assert sorted(stored) == sorted(p.url for p in PAGES)

    again = jobs.run_recorded("reprocess", settings, lambda warehouse, report: reprocess_archive(
        warehouse, settings, report, None))
    assert again.status == "completed" and again.urls_planned == 5 and again.counts.new_articles == 0
    assert dict(query(settings, "SELECT url, content_sha256 FROM articles")) == stored


def test_damaged_files_are_read_to_their_end_and_named_one_line_each(tmp_path, settings):
    good = warcs.warc(PAGES[:2])
    cut = warcs.warc(PAGES, requests=False)
    keep = cut.offsets[3] + 420  # into the fourth page's body
    paths = files(tmp_path, good_warc_gz=good, cut_warc_gz=warcs.Built(cut.data[:keep], cut.offsets),
                  x_warc_lz4=warcs.Built(b"\x04\x22\x4d\x18" + b"\x00" * 64, []))
    with pytest.raises(ArchiveUnreadable) as raised:
        backfill(settings, paths)
    failure = raised.value
    cut_line, lz4_line = failure.lines
    assert cut_line.startswith(f"{paths[1]}: damaged from byte {cut.offsets[3]} (cut short: ")
    assert cut_line.endswith("the file ends inside the gzip member starting at byte "
                             f"{cut.offsets[3]}); nothing after it could be read; 5 records read, 4 ingested")
    assert lz4_line == (f"{paths[2]}: damaged from byte 0 (LZ4-compressed, which mediamon does not read: decompress "
                        "it first (lz4 -d)); nothing after it could be read; 0 records read, 0 ingested")
    report = failure.report
    assert report.status == "failed" and [row["damaged from byte"] for row in report.file_rows()] == [
        "", str(cut.offsets[3]), "0"]
    # every whole page stored as ok; the one cut short as truncated, never as an article
    assert sorted(query(settings, "SELECT url, outcome FROM fetches")) == sorted(
        [(p.url, "ok") for p in PAGES[:2]] * 2 + [(PAGES[2].url, "ok"), (PAGES[3].url, "truncated")])
    assert query(settings, f"SELECT count(*) FROM articles WHERE url = '{PAGES[3].url}'") == [(0,)]
    [(status, error)] = query(settings, "SELECT status, error FROM runs")
    assert status == "failed" and "2 of 3 WARC files damaged" in error and str(paths[2]) in error


def test_a_record_without_a_readable_date_is_dated_by_its_http_date_else_by_the_file(tmp_path, settings):
    served = (("Content-Type", "text/html"), ("Date", "Sat, 02 May 2020 08:00:00 GMT"))
    items = [replace(PAGES[0], date_text="2008-10-294T05:21:46-0700", headers=served),
             replace(PAGES[1], date_text="2009-03-65T08:43:19-0800"), PAGES[2]]
    [path] = files(tmp_path, dates_warc=warcs.warc(items, version="0.18"))
    report = backfill(settings, [path])
    assert report.status == "completed" and report.counts.outcomes == {"ok": 3}
    rows = dict((url, (at, error)) for url, at, error in query(settings, "SELECT url, attempted_at, error FROM fetches"))
    assert rows[PAGES[0].url] == (datetime(2020, 5, 2, 8, tzinfo=timezone.utc), "capture date "
                                  "'2008-10-294T05:21:46-0700' unreadable: dated by its HTTP Date header")
    at, error = rows[PAGES[1].url]
    assert error == "capture date '2009-03-65T08:43:19-0800' unreadable: dated by the file (its warcinfo record)"
    assert at.year >= 2024  # warcio wrote the warcinfo record just now
    assert rows[PAGES[2].url] == (warcs.WHEN, None)


def test_since_and_until_use_the_date_a_record_was_given(tmp_path, settings):
    items = [replace(p, when=p.when.replace(day=n + 1)) for n, p in enumerate(PAGES)]
    [path] = files(tmp_path, days_warc_gz=warcs.warc(items))
    report = backfill(settings, [path], since=datetime(2020, 5, 2).date(), until=datetime(2020, 5, 4).date())
    assert report.urls_planned == 3 and report.warc_files[0].ingested == 3 and report.warc_files[0].records == 11
    assert sorted(d.day for (d,) in query(settings, "SELECT attempted_at FROM fetches")) == [2, 3, 4]


def test_outcomes_of_records_that_are_not_whole_pages(tmp_path, settings):
    coded = (("Content-Type", "text/html"), ("Content-Encoding", "compress"))
    items = [PAGES[0], replace(PAGES[1], url="ftp://files.example/x"), replace(PAGES[2], status=404),
             replace(PAGES[3], headers=coded)]
    plain = warcs.warc(items, compress=False, requests=False).data
    plain = plain.replace(b"WARC-Type: response\r\n", b"WARC-Type: response\r\nWARC-Truncated: length\r\n", 1)
    [path] = files(tmp_path, odd_warc=warcs.Built(plain, []))
    report = backfill(settings, [path])
    assert report.status == "completed"  # the file is whole: what it holds is data
    assert dict(query(settings, "SELECT url, outcome FROM fetches")) == {
        PAGES[0].url: Outcome.TRUNCATED.value, "ftp://files.example/x": "invalid_url", PAGES[2].url: "http_error",
        PAGES[3].url: "connection_error"}
    assert query(settings, "SELECT count(*) FROM articles") == [(0,)]
