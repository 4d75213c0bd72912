import duckdb
import pytest

from warehouse import DatabaseUnavailable, DatabaseUnusable, SchemaTooNew, Warehouse
from warehouse.db import latest_version, migrations, schema_version
from warehouse.snapshot import writer_path

pytestmark = pytest.mark.usefixtures("file_storage")  # the DuckDB file itself (the lake: test_lake.py)


VIEW_COLUMNS = {
    "seeds": {"seed_id", "source_path", "title", "text", "language", "ingested_at"},
    "citations": {"seed_id", "url_as_cited", "url", "position"},
    "fetches": {"url", "attempted_at", "outcome", "http_status", "final_url", "bytes", "elapsed_ms", "error",
                "via", "run_id"},
    "articles": {"doc_id", "url", "final_url", "host", "fetched_at", "via", "title", "author", "published_at",
                 "text", "word_count", "language", "language_score", "content_sha256", "duplicate_of",
                 "duplicate_kind", "similarity"},
    "duplicates": {"doc_id", "duplicate_of", "kind", "similarity"},
    "runs": {"run_id", "flow", "started_at", "finished_at", "status", "urls_planned", "fetched_ok", "failed",
             "new_articles", "duplicates"},
}


def test_migrations_are_numbered_from_one_without_gaps():
    versions = [v for v, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_a_new_database_gets_the_latest_schema_and_the_six_views(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        assert schema_version(warehouse.con) == latest_version()
        for view, required in VIEW_COLUMNS.items():
            columns = {row[0] for row in warehouse.con.execute(f"DESCRIBE {view}").fetchall()}
            assert required <= columns, (view, required - columns)


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse.open(path).close()
    with Warehouse.open(path) as warehouse:
        rows = warehouse.con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert [r[0] for r in rows] == list(range(1, latest_version() + 1))


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    Warehouse.open(path).close()
    with duckdb.connect(str(writer_path(path))) as con:
        con.execute("INSERT INTO schema_version (version, name) VALUES (?, 'from the future')", [latest_version() + 1])
    with pytest.raises(SchemaTooNew, match="newer than this mediamon"):
        Warehouse.open(path)


def test_unusable_paths_are_reported_plainly(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        Warehouse.open(tmp_path / "missing" / "w.duckdb")
    with pytest.raises(DatabaseUnusable, match="is a folder"):
        Warehouse.open(tmp_path)
    not_a_db = tmp_path / "text.duckdb"
    not_a_db.write_text("hello, I am not a database\n" * 100)
    with pytest.raises(DatabaseUnusable, match="is not a DuckDB database file"):
        Warehouse.open(not_a_db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["text.duckdb"]  # no working copy of it was made


def test_an_upgrade_runs_with_at_least_a_gigabyte_and_gives_the_cap_back():
    """A step that rewrites documents of a million articles fails under the writer's 128 MB (measured);
    the batches after it keep the cap the user set."""
    import duckdb as _duckdb

    from warehouse.db import migration_memory

    for cap, inside in (("100MB", "1.0 GiB"), ("3GB", None)):
        with _duckdb.connect(config={"memory_limit": cap}) as con:
            before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
            with migration_memory(con):
                assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == (inside or before)
            assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
