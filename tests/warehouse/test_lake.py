"""The warehouse on a DuckLake (warehouse.lake): one folder, one writer, analysts reading a snapshot."""
import shutil
import subprocess
import sys
from datetime import date, datetime, timezone

import duckdb
import pytest

from testkit.schema_at import database_at
from tests.warehouse.test_store import page, text_of
from warehouse import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, SchemaTooNew, Warehouse, lake
from warehouse.lake_schema import latest_lake_version
from warehouse.lake_convert import NOT_COPIED, convert_if_found, retired_path
from warehouse.lake_schema import latest_lake_version
from warehouse.store import BatchCounts
from warehouse.snapshot import writer_path

VIEWS = {"seeds", "citations", "fetches", "duplicates", "articles", "runs", "article_versions", "article_events",
         "schedule", "duplicate_clusters"}


def store(path, *pages):
    with Warehouse.open(path, storage="lake") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch(list(pages), run)


def test_a_new_lake_is_one_folder_beside_the_db_path_with_every_view(tmp_path):
    store(tmp_path / "m.duckdb", page("http://x.example/a", text_of(1)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.lake"]  # the search and key indexes inside
    assert {p.name for p in (tmp_path / "m.lake").iterdir()} == {  # with the catalog's WAL files kept
        "catalog.sqlite", "catalog.sqlite-shm", "catalog.sqlite-wal", "data", "keys", "search", "writer.lock"}
    with lake.open_reader(tmp_path / "m.lake") as con:
        found = {row[0] for row in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE database_name = 'mediamon'").fetchall()}
        assert VIEWS <= found
        assert con.execute("SELECT url FROM articles").fetchall() == [("http://x.example/a",)]
        assert con.execute("SELECT count(*) FROM lake_schema_version").fetchone()[0] == latest_lake_version()
    store(tmp_path / "m.lake", page("http://x.example/b", text_of(2)))  # --db may name the lake folder
    with lake.open_reader(tmp_path / "m.lake") as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM lake_schema_version").fetchone()[0] == latest_lake_version()  # nothing applied twice


def test_a_second_writer_is_refused_in_one_line_and_the_first_keeps_writing(tmp_path):
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as first:
        with pytest.raises(DatabaseUnavailable, match=r"another mediamon run is writing this database .*locked, PID \d+"):
            Warehouse.open(tmp_path / "m.duckdb", storage="lake")
        first.commit_batch([page("http://x.example/a", text_of(1))], first.start_run("test"))
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as again:  # released at close
        assert again.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


READER = """
import sys
from pathlib import Path
from warehouse import lake
con = lake.open_reader(Path(sys.argv[1]))
con.execute("BEGIN TRANSACTION")
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
sys.stdin.readline()                      # the writer commits meanwhile
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
con.execute("COMMIT")
print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
"""


def test_an_analyst_session_keeps_its_snapshot_while_the_writer_commits(tmp_path):
    store(tmp_path / "m.duckdb", page("http://x.example/a", text_of(1)))
    reader = subprocess.Popen([sys.executable, "-c", READER, str(tmp_path / "m.lake")], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"
        store(tmp_path / "m.duckdb", page("http://x.example/b", text_of(2)), page("http://x.example/c", text_of(3)))
        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"   # the same snapshot inside its transaction
        assert reader.stdout.readline().strip() == "3"   # the next transaction sees the new commit
    finally:
        reader.communicate(timeout=60)
    assert reader.returncode == 0


def test_unusable_lake_paths_are_one_line(tmp_path):
    (tmp_path / "other.lake").mkdir()
    (tmp_path / "other.lake" / "notes.txt").write_text("mine")
    with pytest.raises(ForeignDatabase, match="holds files but no mediamon lake catalog"):
        Warehouse.open(tmp_path / "other.lake", storage="lake")
    (tmp_path / "bad.lake").mkdir()
    (tmp_path / "bad.lake" / "catalog.sqlite").write_text("not sqlite at all, just text")
    with pytest.raises(DatabaseUnusable, match="is not a SQLite catalog"):
        Warehouse.open(tmp_path / "bad.lake", storage="lake")
    with pytest.raises(DatabaseUnavailable, match="database folder does not exist"):
        Warehouse.open(tmp_path / "missing" / "m.duckdb", storage="lake")
    with pytest.raises(DatabaseUnavailable, match="no database at .*run `mediamon run` first"):
        lake.open_reader(tmp_path / "never.lake")


def test_a_lake_of_a_newer_schema_is_refused_by_writer_and_reader(tmp_path):
    store(tmp_path / "m.duckdb", page("http://x.example/a", text_of(1)))
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as warehouse:
        warehouse.con.execute("INSERT INTO lake_schema_version VALUES (99, 'future', now())")
    with pytest.raises(SchemaTooNew, match="lake schema v99, newer"):
        Warehouse.open(tmp_path / "m.duckdb", storage="lake")
    with pytest.raises(SchemaTooNew, match="lake schema v99, newer"):
        lake.open_reader(tmp_path / "m.lake")


def test_a_moved_lake_opens_where_it_is(tmp_path):
    (tmp_path / "a").mkdir()
    store(tmp_path / "a" / "m.duckdb", page("http://x.example/a", text_of(1)))
    shutil.move(tmp_path / "a" / "m.lake", tmp_path / "restored.lake")
    with lake.open_reader(tmp_path / "restored.lake") as con:
        assert con.execute("SELECT url FROM articles").fetchall() == [("http://x.example/a",)]


def test_storage_setting_is_checked(monkeypatch):
    monkeypatch.setenv("MEDIAMON_STORAGE", "parquet")
    with pytest.raises(DatabaseUnusable, match="MEDIAMON_STORAGE='parquet': expected one of file, lake"):
        lake.storage_from_env()
    monkeypatch.delenv("MEDIAMON_STORAGE")
    assert lake.storage_from_env() == "lake"  # the default
    monkeypatch.setenv("MEDIAMON_STORAGE", "File ")
    assert lake.storage_from_env() == "file"  # the fallback


# -- conversion ---------------------------------------------------------------------------------

def _value(data_type: str, table: str, column: str, i: int):
    if data_type.endswith("[]"):
        return [f"{column}-{i}"]
    return {"VARCHAR": f"{table}-{column}-{i}", "INTEGER": i, "BIGINT": i, "SMALLINT": i % 32, "DOUBLE": i / 7,
            "BOOLEAN": i % 2 == 0, "BLOB": bytes([i % 256]) * 8, "DATE": date(2020, 1, 1 + i % 28),
            "TIMESTAMP WITH TIME ZONE": datetime(2021, 1, 1, i % 24, tzinfo=timezone.utc)}[data_type]


def fill_every_table(path, rows: int = 3) -> None:
    """Rows of typed values in every table of a mediamon database (but its migration history)."""
    with duckdb.connect(str(path)) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall() if t not in NOT_COPIED]
        for table in tables:
            columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                                  "ORDER BY column_index", [table]).fetchall()
            names = ", ".join(f'"{name}"' for name, _ in columns)
            marks = ", ".join("?" for _ in columns)
            for i in range(rows):
                con.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                            [_value(kind, table, name, i) for name, kind in columns])


def every_table(con) -> dict[str, list]:
    tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "AND database_name = current_database()").fetchall() if t not in NOT_COPIED]
    return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in sorted(tables)}


@pytest.mark.parametrize("version", [8, 11, 13])
def test_a_file_warehouse_is_converted_on_first_use_with_every_row(tmp_path, version):
    db = tmp_path / "m.duckdb"
    database_at(db, version)
    fill_every_table(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert all(every_table(con).values())  # a row in every table of the old schema
    assert convert_if_found(db, tmp_path / "m.lake")
    assert not db.exists() and retired_path(db).is_file()  # one place holds the state: the lake
    with duckdb.connect(str(retired_path(db)), read_only=True) as con:  # the file as the file storage's
        want = every_table(con)                                         # migrations made it, then retired
    with lake.open_reader(tmp_path / "m.lake") as con:
        assert every_table(con) == want
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert not convert_if_found(db, tmp_path / "m.lake")  # never twice


def test_a_real_warehouse_converts_from_its_working_copy(tmp_path):
    db = tmp_path / "m.duckdb"
    with Warehouse.open(db, storage="file") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page(f"http://x.example/{i}", text_of(i % 3)) for i in range(6)], run)
        warehouse.publish()
        warehouse.commit_batch([page("http://x.example/late", text_of(9))], run)  # not published yet
        warehouse.finish_run(run, "completed", urls_planned=7, counts=BatchCounts())
        want = every_table(warehouse.con)
    with Warehouse.open(db, storage="lake") as warehouse:  # converts on first use
        assert every_table(warehouse.con) == want
        assert warehouse.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] > 0
    assert not db.exists() and not writer_path(db).exists() and retired_path(db).is_file()



def test_files_of_a_batch_that_never_committed_are_removed_when_the_run_ends(tmp_path):
    """A writer killed mid-batch leaves Parquet files no snapshot references; the next run's end removes them."""
    store(tmp_path / "m.duckdb", page("http://x.example/a", text_of(1)))
    orphan = tmp_path / "m.lake" / "data" / "main" / "documents" / "ducklake-killed-batch.parquet"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"PAR1 half a file")
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as warehouse:
        warehouse.publish()
        assert warehouse.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert not orphan.exists()


def test_the_end_of_a_run_merges_its_small_files_and_never_rewrites_large_ones(tmp_path, monkeypatch):
    """Compaction touches what the run's batches wrote, not the warehouse: a rewritten large file would
    stay on disk beside its copy for as long as the snapshots that use it (a copy of the table a run)."""
    from warehouse import lake_maintenance

    def documents_files(warehouse) -> dict[str, int]:
        return dict(warehouse.con.execute(
            "SELECT data_file, data_file_size_bytes FROM ducklake_list_files('mediamon', 'documents')").fetchall())

    store(tmp_path / "m.duckdb", *[page(f"http://x.example/{i}", text_of(i)) for i in range(40)])
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as warehouse:
        large = documents_files(warehouse)
    monkeypatch.setattr(lake_maintenance, "SMALL_FILE_BYTES", min(large.values()))  # the batch's file counts as large
    with Warehouse.open(tmp_path / "m.duckdb", storage="lake") as warehouse:
        run = warehouse.start_run("test")
        for batch in range(3):
            pages = [page(f"http://y.example/{batch}/{i}", text_of(i)) for i in range(30)]  # a file each (a batch of
            warehouse.commit_batch(pages, run)  # a few rows stays inlined in the catalog)
        assert len(documents_files(warehouse)) == len(large) + 3
        warehouse.publish()
        after = documents_files(warehouse)
        assert set(large) <= set(after) and len(after) == len(large) + 1   # the three small files merged into one
        assert warehouse.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 130
