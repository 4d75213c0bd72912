"""What mediamon does with the file given as its database: its own, empty, another application's, not DuckDB."""
import hashlib
import os
import sqlite3
import subprocess
import sys

import duckdb
import pytest

from tests.warehouse.test_store import page, text_of
from warehouse import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, SchemaTooNew, Warehouse
from warehouse.db import latest_version, migrate, open_snapshot
from warehouse.snapshot import partial_copies, writer_path


pytestmark = pytest.mark.usefixtures("file_storage")  # the DuckDB file itself (the lake: test_lake.py)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_application(path):
    """A DuckDB database another program made: one table, one view."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
        con.execute("INSERT INTO customers VALUES (1, 'Ada')")
        con.execute("CREATE VIEW customer_names AS SELECT name FROM customers")
    return path


def published(path):
    with Warehouse.open(path) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], warehouse.start_run("test"))
        warehouse.publish()
    return path


def test_another_applications_database_is_never_written(tmp_path):
    foreign = other_application(tmp_path / "otherapp.duckdb")
    before = digest(foreign)
    with pytest.raises(ForeignDatabase, match=r"otherapp.duckdb is not a mediamon database \(it holds "
                                              r"customer_names, customers\): mediamon writes only databases it created"):
        Warehouse.open(foreign)
    assert digest(foreign) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["otherapp.duckdb"]  # no working copy either


def test_a_foreign_working_copy_is_not_migrated_either(tmp_path):
    analyst = tmp_path / "m.duckdb"
    other_application(writer_path(analyst))
    with pytest.raises(ForeignDatabase):
        Warehouse.open(analyst)
    with duckdb.connect(str(writer_path(analyst)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0] == 1


def test_a_foreign_schema_version_table_is_not_taken_for_mediamons(tmp_path):
    path = tmp_path / "flyway.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER, script VARCHAR)")
        con.execute("INSERT INTO schema_version VALUES (42, 'V42__orders.sql')")
    with pytest.raises(ForeignDatabase):
        Warehouse.open(path)
    with pytest.raises(ForeignDatabase):
        open_snapshot(path)


@pytest.mark.parametrize("make", [
    lambda path: duckdb.connect(str(path)).close(),   # a DuckDB database with nothing in it
    lambda path: path.write_bytes(b""),               # a zero-byte file (mktemp, touch)
], ids=["empty-duckdb", "zero-bytes"])
def test_an_empty_database_becomes_mediamons(tmp_path, make):
    path = tmp_path / "m.duckdb"
    make(path)
    with pytest.raises(DatabaseUnusable, match="no mediamon data yet"):
        open_snapshot(path)
    published(path)
    with open_snapshot(path) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("content, message", [
    (b"SQLite format 3\x00" + bytes(4080), "is a SQLite database"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "is not a DuckDB database file"),
    ("url,title\nhttp://a.example,A\n".encode(), "is not a DuckDB database file"),
])
def test_a_file_that_is_not_duckdb_is_refused_for_reading_and_writing(tmp_path, content, message):
    path = tmp_path / "m.duckdb"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnusable, match=message):
        open_snapshot(path)
    with pytest.raises(DatabaseUnusable, match=message):
        Warehouse.open(path)
    assert path.read_bytes() == content and not writer_path(path).exists()


def test_a_real_sqlite_file_is_named_as_such(tmp_path):
    path = tmp_path / "m.duckdb"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (a)")
    with pytest.raises(DatabaseUnusable, match="is a SQLite database"):
        Warehouse.open(path)


def test_the_reader_names_an_older_or_newer_schema(tmp_path):
    older = tmp_path / "older.duckdb"
    with duckdb.connect(str(older)) as con:
        migrate(con, up_to=latest_version() - 1)
    with pytest.raises(DatabaseUnusable, match=f"schema v{latest_version() - 1}, older than this mediamon's"):
        open_snapshot(older)
    newer = published(tmp_path / "newer.duckdb")
    with duckdb.connect(str(newer)) as con:
        con.execute("INSERT INTO schema_version (version, name) VALUES (?, 'future')", [latest_version() + 1])
    with pytest.raises(SchemaTooNew):
        open_snapshot(newer)
    writer_path(newer).unlink()
    with pytest.raises(SchemaTooNew):   # nor does the writer start from it
        Warehouse.open(newer)


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseUnusable, match="is a folder"):
        open_snapshot(tmp_path)
    with pytest.raises(DatabaseUnusable, match="is a folder"):
        Warehouse.open(tmp_path)


def test_an_analyst_file_held_open_for_writing_by_another_program_is_named(tmp_path):
    analyst = published(tmp_path / "m.duckdb")
    writer_path(analyst).unlink()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.readline()", str(analyst)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseUnavailable, match=rf"is open for writing in another program, PID {holder.pid}"):
            Warehouse.open(analyst)
    finally:
        holder.kill()
        holder.wait()


def test_a_copy_that_cannot_replace_the_analyst_file_is_removed(tmp_path, make_unwritable):
    analyst = published(tmp_path / "m.duckdb")
    before = digest(analyst)
    make_unwritable(analyst)
    with Warehouse.open(analyst) as warehouse:
        warehouse.commit_batch([page("http://x.example/b", text_of(2))], warehouse.start_run("test"))
        with pytest.raises(DatabaseUnavailable, match=r"cannot replace .*m.duckdb: .*kept in .*m.writer.duckdb"):
            warehouse.publish()
    assert partial_copies(analyst) == [] and digest(analyst) == before


def test_a_read_only_folder_is_one_error_and_leaves_nothing(tmp_path, make_unwritable):
    folder = tmp_path / "ro"
    folder.mkdir()
    published(folder / "m.duckdb")
    writer_path(folder / "m.duckdb").unlink()
    make_unwritable(folder)
    for name in ("m.duckdb", "new.duckdb"):
        with pytest.raises(DatabaseUnavailable, match=r"cannot write .*(Permission denied|Operation not "
                                                      r"permitted|Read-only file system)"):
            Warehouse.open(folder / name)
    assert sorted(os.listdir(folder)) == ["m.duckdb", "m.keys", "m.search"]  # the database and its two indexes
    with open_snapshot(folder / "m.duckdb") as con:   # reading needs no write access
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_copies_left_by_a_killed_publisher_are_removed_by_the_next_writer(tmp_path):
    analyst = published(tmp_path / "m.duckdb")
    for stale in (tmp_path / ".m.duckdb.publishing", tmp_path / ".m.duckdb.4242.publishing"):
        stale.write_bytes(b"half a copy")
    with Warehouse.open(analyst):
        assert partial_copies(analyst) == []


FILL_THE_DISK = """
import resource, signal, sys
from tests.warehouse.test_store import page, text_of
from warehouse import Warehouse
from core.errors import MediamonError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails (EFBIG) instead of killing us
warehouse = Warehouse.open(sys.argv[1])
limit = warehouse.working.stat().st_size + 1_000_000
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    run = warehouse.start_run("test")
    for n in range(200):
        warehouse.commit_batch([page(f"http://x.example/{n}/{k}", text_of(n * 10 + k, 1000)) for k in range(10)], run)
        warehouse.publish()
    print("not full")
except MediamonError as exc:
    print(f"{type(exc).__name__} {exc.exit_code}: {exc}")
"""


def test_a_full_disk_stops_the_writer_in_one_line(tmp_path):
    """A file-size limit stands in for a full disk: the same failed write (EFBIG instead of ENOSPC)."""
    from tests.conftest import ROOT
    result = subprocess.run([sys.executable, "-c", FILL_THE_DISK, str(tmp_path / "m.duckdb")], capture_output=True,
                            text=True, timeout=300, cwd=ROOT)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith(f"DatabaseUnavailable 1: cannot write {tmp_path / 'm.writer.duckdb'}: "), result.stdout
    assert "File too large" in result.stdout and len(result.stdout.splitlines()) == 1
