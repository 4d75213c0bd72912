"""A conditional GET's validators come from the stored article's own fetch, read from the article rows."""
import duckdb

from warehouse import Warehouse
from warehouse.db import sql
from warehouse.snapshot import writer_path
from testkit.schema_at import database_at

DOC = ("INSERT INTO documents (doc_id, url, fetch_id, fetched_at, via, text, word_count, content_sha256, extractor, "
       "run_id) VALUES (?, ?, ?, now(), 'live', 'text', 1, 'h', 'trafilatura', 'r')")
FETCH = ("INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id, etag, last_modified) "
         "VALUES (?, ?, ?, ?, 'live', 'r', ?, ?)")


def test_an_older_database_gets_each_article_its_fetch_validators(tmp_path):
    path = tmp_path / "w.duckdb"
    database_at(writer_path(path), 7)
    with duckdb.connect(str(writer_path(path))) as con:
        con.execute(DOC, ["doc-a", "http://h/a", "f-a1"])
        con.execute(DOC, ["doc-b", "http://h/b", "f-b1"])
        con.execute(DOC, ["doc-c", "http://h/c", "f-c1"])
        con.execute(FETCH, ["f-a1", "http://h/a", "2026-01-01 00:00:00+00", "ok", '"a1"', None])
        con.execute(FETCH, ["f-a2", "http://h/a", "2026-01-02 00:00:00+00", "not_modified", '"a2"', None])
        con.execute(FETCH, ["f-b1", "http://h/b", "2026-01-01 00:00:00+00", "ok", None, "Wed, 20 May 2020 10:00:00 GMT"])
        con.execute(FETCH, ["f-c1", "http://h/c", "2026-01-01 00:00:00+00", "ok", None, None])
    with Warehouse.open(path) as warehouse:
        found = warehouse.validators_for(["http://h/a", "http://h/b", "http://h/c", "http://h/never"])
    assert {url: (v.etag, v.last_modified) for url, v in found.items()} == {
        "http://h/a": ('"a1"', None),  # the article's fetch, not the later 304
        "http://h/b": (None, "Wed, 20 May 2020 10:00:00 GMT"),
    }


def test_the_validators_are_read_without_the_fetch_log(tmp_path):
    # the fetch log grows with every run; a batch's validators must not scan it
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        statement = sql("validators").replace("staged_urls", "(SELECT 'http://h/a' AS url)")
        plan = "\n".join(row[1] for row in warehouse.con.execute("EXPLAIN " + statement).fetchall())
    assert "documents" in plan and "fetch_log" not in plan
