"""fetch_log gains a row per URL per run, so nothing about it may live in memory: no key index."""
import duckdb
import pytest

from warehouse import Warehouse
from warehouse.snapshot import writer_path
from testkit.schema_at import database_at

ROW = ("SELECT md5(i::VARCHAR), 'http://example.org/' || (i % 1000), TIMESTAMPTZ '2026-01-01 00:00:00+00', 'ok', "
       "'live', 'run-' || (i // 100000), '\"e' || i || '\"' FROM range({start}, {stop}) t(i)")
INSERT = "INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id, etag) " + ROW


def test_fetch_log_keeps_growing_under_a_small_memory_cap(tmp_path):
    # With its old primary key, DuckDB's index of fetch_id (held in memory) filled a 32 MB cap before
    # 100,000 rows and every insert failed from then on (the default cap, 128 MB: 1.4-1.6 million rows).
    with Warehouse.open(tmp_path / "w.duckdb", memory_limit="32MB") as warehouse:
        step, total = 20_000, 300_000
        for start in range(0, total, step):
            warehouse.con.execute(INSERT.format(start=start, stop=start + step))
        assert warehouse.con.execute("SELECT count(*), count(DISTINCT fetch_id) FROM fetch_log").fetchone() == (
            total, total)


def test_the_upgrade_keeps_every_fetch_and_the_not_null_rules(tmp_path):
    path = tmp_path / "w.duckdb"
    database_at(writer_path(path), 6)
    with duckdb.connect(str(writer_path(path))) as con:
        con.execute(INSERT.format(start=0, stop=500))
        con.execute("UPDATE fetch_log SET redirects = ['http://a/', 'http://b/'], warc_offset = 7 WHERE etag = '\"e3\"'")
        before = con.execute("SELECT * FROM fetch_log ORDER BY fetch_id").fetchall()
        columns = [row[:3] for row in con.execute("DESCRIBE fetch_log").fetchall()]  # name, type, nullable
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'fetch_log'"
                           " AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == 1  # v6 had the key
    with Warehouse.open(path) as warehouse:
        con = warehouse.con
        assert con.execute("SELECT * FROM fetch_log ORDER BY fetch_id").fetchall() == before
        assert [row[:3] for row in con.execute("DESCRIBE fetch_log").fetchall()] == columns
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'fetch_log'"
                           " AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM fetches").fetchone()[0] == 500  # the views read the new table
        con.execute("SELECT count(*) FROM articles").fetchone()
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute("INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id)"
                        " VALUES ('x', NULL, now(), 'ok', 'live', 'r')")
