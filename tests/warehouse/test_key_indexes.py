"""Tables with a row per document hold no key index: DuckDB keeps those in memory, inside the writer's
cap, so with them a warehouse stopped taking batches at about 100,000 articles (migration 012)."""
import duckdb
import pytest

from testkit.schema_at import database_at
from warehouse import Warehouse
from warehouse.snapshot import writer_path

PER_DOCUMENT = ("documents", "fingerprints", "duplicate_pairs", "doc_clusters", "anchor_sets", "cross_lingual_pairs")

ROWS = {
    "documents": "INSERT INTO documents (doc_id, url, fetch_id, fetched_at, via, text, word_count, content_sha256, "
                 "extractor, run_id) SELECT 'doc-' || md5(i::VARCHAR)[:16], 'http://outlet.example/news/' || md5(i::VARCHAR), "
                 "md5(i::VARCHAR), TIMESTAMPTZ '2026-01-01 00:00:00+00', 'live', 'text ' || i, 2, md5(i::VARCHAR), "
                 "'trafilatura', 'run' FROM range({start}, {stop}) t(i)",
    "fingerprints": "INSERT INTO fingerprints SELECT 'doc-' || md5(i::VARCHAR)[:16], 'article', md5(i::VARCHAR), "
                    "'\\x00'::BLOB, 30, TIMESTAMPTZ '2026-01-01 00:00:00+00' FROM range({start}, {stop}) t(i)",
    "doc_clusters": "INSERT INTO doc_clusters (doc_id, cluster_id) SELECT 'doc-' || md5(i::VARCHAR)[:16], 'doc-' || md5(i::VARCHAR)[:16] "
                    "FROM range({start}, {stop}) t(i)",
    "anchor_sets": "INSERT INTO anchor_sets SELECT 'doc-' || md5(i::VARCHAR)[:16], ['k' || i], ['K' || i] "
                   "FROM range({start}, {stop}) t(i)",
}


def fill(con, start: int, stop: int) -> None:
    for statement in ROWS.values():
        con.execute(statement.format(start=start, stop=stop))


def test_a_warehouse_keeps_taking_articles_under_a_small_memory_cap(tmp_path):
    # With the key indexes of schema v11, the inserts below failed at 130,000 articles under 64 MB.
    with Warehouse.open(tmp_path / "w.duckdb", memory_limit="64MB") as warehouse:
        step, total = 10_000, 300_000
        for start in range(0, total, step):
            fill(warehouse.con, start, start + step)
        assert warehouse.con.execute("SELECT count(*), count(DISTINCT doc_id) FROM documents").fetchone() == (
            total, total)


def test_the_key_indexes_of_v11_fill_the_same_cap(tmp_path):
    """The test above, on the schema before migration 012: it shows what the migration removes."""
    path = tmp_path / "v11.duckdb"
    database_at(path, 11)
    with duckdb.connect(str(path), config={"memory_limit": "64MB", "threads": 1}) as con:
        with pytest.raises(duckdb.Error, match="(?i)memory|allocate"):
            for start in range(0, 300_000, 10_000):
                fill(con, start, start + 10_000)


@pytest.mark.usefixtures("file_storage")  # an upgrade of the DuckDB file
def test_the_upgrade_keeps_every_row_and_the_not_null_rules(tmp_path):
    path = tmp_path / "w.duckdb"
    database_at(writer_path(path), 11)
    with duckdb.connect(str(writer_path(path))) as con:
        fill(con, 0, 300)
        con.execute("INSERT INTO duplicate_pairs SELECT 'doc-a', 'doc-b', 'near', 0.8, 0.9, now(), 'r'")
        con.execute("INSERT INTO cross_lingual_pairs SELECT 'doc-a', 'doc-c', 0.7, 0.8, 5, 'x ~ y', now(), 'r'")
        before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PER_DOCUMENT}
        columns = {t: [row[:3] for row in con.execute(f"DESCRIBE {t}").fetchall()] for t in PER_DOCUMENT}
    with Warehouse.open(path) as warehouse:
        con = warehouse.con
        for table in PER_DOCUMENT:   # later migrations add columns at the end (014: documents, doc_clusters)
            kept = ", ".join(f'"{name}"' for name, *_ in columns[table])
            assert con.execute(f"SELECT {kept} FROM {table} ORDER BY ALL").fetchall() == before[table], table
            described = [row[:3] for row in con.execute(f"DESCRIBE {table}").fetchall()]
            assert described[:len(columns[table])] == columns[table], table
        assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', "
                           "'UNIQUE') AND table_name IN ?", [list(PER_DOCUMENT)]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 300  # the views read the new tables
        assert con.execute("SELECT column_default FROM information_schema.columns WHERE table_name = 'documents' "
                           "AND column_name = 'version'").fetchone()[0] == "1"
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute("INSERT INTO documents (doc_id, url) VALUES ('x', NULL)")
