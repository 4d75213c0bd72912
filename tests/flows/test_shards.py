"""Sharded backfill, in one process: the plan, pages through Parquet, attempts in shared storage, landing once."""
import io
from datetime import datetime, timezone

import pyarrow.parquet as pq

from engine.pool import analyse
from engine.report import RunReport
from engine.sharding.landing import land_completed
from engine.sharding.plan import Shard, host_of, plan_shards
from engine.sharding.storage import ShardInput, ShardStorage
from flows.shards import backfill_shard
from core.records import FetchResult, Outcome, Validators
from core.settings import Settings
from testkit.loopback import Reply, html_page
from warehouse import Warehouse
from warehouse.page_table import pages_table, table_pages
from archive.reader import read_response
from warehouse.db import open_snapshot


def test_a_plan_puts_every_url_in_one_shard_keeps_small_hosts_whole_and_splits_a_large_one():
    urls = ([f"http://big.example/{i}" for i in range(100)] + [f"http://small{h}.example/{i}" for h in range(6)
                                                              for i in range(5)] + ["http://big.example/0"])
    plan = plan_shards(urls, 4, "run")
    placed = [url for shard in plan.shards for url in shard.urls]
    assert sorted(placed) == sorted(set(urls))  # none missing, none twice (the duplicate line too)
    assert [s.shard_id for s in plan.shards] == ["run-0000", "run-0001", "run-0002", "run-0003"]
    assert max(len(s.urls) for s in plan.shards) <= 33  # ceil(130 / 4)
    for h in range(6):  # a host that fits in a shard is in exactly one (it is paced in that process)
        assert sum(f"small{h}.example" in shard.hosts() for shard in plan.shards) == 1
    assert plan.split_hosts == {"big.example": 4}
    assert plan_shards(urls, 4, "run") == plan  # a pure function
    assert len(plan_shards(urls[:3], 8, "run").shards) == 3  # never an empty shard
    assert host_of("HTTP://Big.Example:8080/x") == "big.example"


def _page(url: str, body: bytes | None, outcome: Outcome = Outcome.OK, **fields):
    fetch = FetchResult(url=url, attempted_at=datetime(2025, 5, 21, 10, 30, tzinfo=timezone.utc), outcome=outcome,
                        http_status=200 if body else 404, final_url=url, body=body, bytes=len(body or b""),
                        content_type="text/html", **fields)
    return analyse(fetch, Settings())


def test_pages_come_back_from_parquet_exactly_as_they_left():
    text = ("Sharded backfills write their pages to shared storage and the committer reads them back. " * 12
            + "Orenburg, OSCE, 21 May 2025.")
    pages = [_page("http://a.example/1", html_page("One", [text])),
             _page("http://a.example/2", None, Outcome.HTTP_ERROR, redirects=("http://a.example/x",),
                   warc_file="w.warc.gz", warc_offset=123, payload_digest="sha1:ABC", error="404"),
             _page("http://a.example/3", html_page("Empty", ["tiny"]))]
    assert pages[0].article is not None and pages[0].fingerprint.anchors  # the rich case is exercised
    buffer = io.BytesIO()
    pq.write_table(pages_table(pages), buffer)
    assert table_pages(pq.read_table(io.BytesIO(buffer.getvalue()))) == pages


def test_a_shard_produced_twice_is_landed_once_and_reprocess_reads_its_archive(server, loopback_env):
    text = "A page fetched by a shard, landed by the committer, replayed from the archive. "
    urls = [server.route(f"/s/{i}", Reply(200, html_page(f"Page {i}", [f"{text} Number {i}. " * 15]),
                                          {"Content-Type": "text/html"})) for i in range(5)]
    urls.append(server.url("/s/missing"))
    storage = ShardStorage(str(loopback_env / "shared"))
    shard = Shard("r-0000", tuple(urls))
    storage.write_input(ShardInput(shard.shard_id, shard.urls, {urls[0]: Validators('"e"', None)}, {}))

    first = backfill_shard(shard.shard_id, storage.url, 8, 0.0, {})
    second = backfill_shard(shard.shard_id, storage.url, 8, 0.0, {})  # a retry racing its "dead" first attempt
    assert first["attempt"] != second["attempt"] and first["pages"] == second["pages"] == 6
    asked = [r.headers.get("if-none-match") for r in server.requests if r.path == "/s/0"]
    assert asked == ['"e"', '"e"']  # what planning knew travels with the shard (conditional GET)
    killed = loopback_env / "shared" / "shards" / shard.shard_id / "killed-attempt"
    killed.mkdir()
    (killed / "pages.parquet").write_bytes(b"half a file")  # no manifest: never taken
    assert [m.attempt for m in storage.completed(shard.shard_id)] == sorted([first["attempt"], second["attempt"]])

    db, archive = loopback_env / "test.duckdb", loopback_env / "archive"
    with Warehouse.open(db) as warehouse:
        report = RunReport(run_id=warehouse.start_run("backfill-sharded"), flow="backfill-sharded", db_path=str(db))
        assert land_completed(warehouse, storage, archive, shard, report)
        assert land_completed(warehouse, storage, archive, shard, report)  # already landed: nothing written
        assert report.shards == 1 and report.counts.new_articles == 5
        warehouse.publish()
    with open_snapshot(db) as con:
        assert con.execute("SELECT url, count(*) FROM fetches GROUP BY url HAVING count(*) <> 1").fetchall() == []
        assert con.execute("SELECT count(*), count(DISTINCT url) FROM fetches").fetchone() == (6, 6)
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
        assert con.execute("SELECT shard_id, pages FROM landed_shards").fetchall() == [("r-0000", 6)]
        pointers = con.execute("SELECT url, warc_file, warc_offset FROM fetches ORDER BY url").fetchall()
    for url, warc_file, offset in pointers:  # every pointer names bytes inside the archive folder
        assert warc_file.startswith("shards/r-0000/")
        assert read_response(archive, warc_file, offset).url == url


def test_sharded_backfill_usage_errors_are_one_line_and_exit_2(tmp_path):
    from tests.test_cli import mediamon

    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/a\n")
    no_server = {"PREFECT_API_URL": ""}
    for args, message in [(["--shards", "4"], "--shards needs --pool NAME"),
                          (["--pool", "p"], "--pool and --storage go with --shards"),
                          (["--shards", "4", "--pool", "p"], "--shards needs a Prefect server: set PREFECT_API_URL")]:
        result = mediamon("backfill", "--urls", str(tmp_path / "urls.txt"), "--db", str(tmp_path / "m.duckdb"),
                          *args, env=no_server, cwd=tmp_path)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
