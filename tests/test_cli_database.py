"""Every way the file given as --db can be wrong is one line (`mediamon: error: ...`), exit 2 for a path
that can never be a mediamon database, exit 1 for one that cannot be written now; never a traceback."""
import hashlib
import os
import subprocess
import sys

import duckdb
import pytest

from tests.test_cli import mediamon
from tests.warehouse.test_db_file import other_application, published
from tests.warehouse.test_store import text_of
from warehouse import Warehouse, lake
from warehouse.db import open_snapshot
from warehouse.lake_schema import latest_lake_version
from warehouse.snapshot import writer_path

READERS = [("status",), ("search", "karabakh"), ("sql", "-c", "SELECT 1")]


def one_line_error(result, code: int, fragment: str) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, output
    assert len(lines) == 1 and lines[0].startswith("mediamon: error: ") and fragment in lines[0], output
    return lines[0]


def backfill(db, tmp_path, *args, **kwargs):
    urls = tmp_path / "urls.txt"
    urls.write_text("http://127.0.0.1:9/a\n")
    return mediamon("backfill", "--urls", str(urls), "--db", str(db), *args, cwd=tmp_path, **kwargs)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_readers_refuse_another_applications_database(tmp_path, command):
    db = other_application(tmp_path / "otherapp.duckdb")
    one_line_error(mediamon(*command, "--db", str(db), cwd=tmp_path), 2,
                   "otherapp.duckdb is not a mediamon database (it holds customer_names, customers)")


@pytest.mark.parametrize("make, code, fragment", [
    (lambda p: duckdb.connect(str(p)).close(), 2, "holds no mediamon data yet"),
    (lambda p: p.write_bytes(b""), 2, "is an empty file with no mediamon data yet"),
    (lambda p: p.write_bytes(os.urandom(5000)), 2, "is not a DuckDB database file"),
    (lambda p: p.mkdir(), 2, "is a folder"),
], ids=["empty-duckdb", "zero-bytes", "random-bytes", "folder"])
def test_status_on_what_is_not_a_mediamon_database(tmp_path, make, code, fragment):
    db = tmp_path / "m.duckdb"
    make(db)
    one_line_error(mediamon("status", "--db", str(db), cwd=tmp_path), code, fragment)


def test_backfill_never_writes_another_applications_database(tmp_path):
    db = other_application(tmp_path / "otherapp.duckdb")
    before = digest(db)
    line = one_line_error(backfill(db, tmp_path), 2, "otherapp.duckdb is not a mediamon database")
    assert "mediamon writes only databases it created: give --db a new file" in line
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["otherapp.duckdb", "urls.txt"]


@pytest.mark.parametrize("command", [("run", "--seeds", "SEEDS"), ("reprocess",), ("backfill", "--warc", "WARC")])
def test_every_writer_refuses_another_applications_database(tmp_path, command):
    db = other_application(tmp_path / "otherapp.duckdb")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text("A seed citing http://127.0.0.1:9/a for the record.\n")
    (tmp_path / "x.warc").write_bytes(b"")
    args = [{"SEEDS": str(tmp_path / "seeds"), "WARC": str(tmp_path / "x.warc")}.get(a, a) for a in command]
    one_line_error(mediamon(*args, "--db", str(db), cwd=tmp_path), 2, "is not a mediamon database")


@pytest.mark.parametrize("make, code, fragment", [
    (lambda p: p.write_bytes(os.urandom(5000)), 2, "is not a DuckDB database file"),
    (lambda p: p.mkdir(), 2, "is a folder"),
], ids=["random-bytes", "folder"])
def test_backfill_into_what_cannot_be_a_database(tmp_path, make, code, fragment):
    db = tmp_path / "m.duckdb"
    make(db)
    one_line_error(backfill(db, tmp_path), code, fragment)
    assert not lake.lake_folder(db).exists() and not writer_path(db).exists()


def test_backfill_into_a_missing_folder(tmp_path):
    one_line_error(backfill(tmp_path / "no" / "such" / "m.duckdb", tmp_path), 1, "database folder does not exist")


@pytest.mark.parametrize("existing", [True, False], ids=["existing-db", "new-db"])
def test_backfill_in_a_read_only_folder(tmp_path, make_unwritable, existing):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "m.duckdb"
    if existing:
        published(db)
        make_unwritable(lake.lake_folder(db))  # where a run writes: the lake's own folder
    make_unwritable(folder)
    line = one_line_error(backfill(db, tmp_path), 1, "cannot write")
    assert str(folder) in line
    assert sorted(os.listdir(folder)) == (["m.lake"] if existing else [])  # the search index inside
    if existing:  # reading needs no write access
        assert mediamon("status", "--db", str(db), cwd=tmp_path).returncode == 0


def test_backfill_while_another_run_writes(tmp_path):
    db = tmp_path / "m.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from warehouse import Warehouse\n"
                               "w = Warehouse.open(sys.argv[1]); print('open', flush=True); sys.stdin.readline()",
                               str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        one_line_error(backfill(db, tmp_path), 1,
                       f"another mediamon run is writing this database ({lake.lake_folder(db)} is locked, PID")
    finally:
        holder.kill()
        holder.wait()


def test_backfill_into_a_newer_schema(tmp_path):
    db = published(tmp_path / "m.duckdb")
    with Warehouse.open(db) as warehouse:
        warehouse.con.execute("INSERT INTO lake_schema_version VALUES (?, 'future', now())",
                              [latest_lake_version() + 1])
    one_line_error(backfill(db, tmp_path), 2, "newer than this mediamon understands")


@pytest.mark.slow
@pytest.mark.usefixtures("file_storage")
def test_a_run_that_cannot_replace_the_analyst_file(tmp_path, server, make_unwritable, cli_prefect):
    """MEDIAMON_STORAGE=file: the run completes in its working copy; replacing the analyst file fails: one line, exit 1, no
    half-written copy left; the next run that can replace it publishes what the first one stored."""
    from testkit.loopback import Reply, html_page

    url = server.route("/a", Reply(200, html_page("A page", ["Words of an article about the appeal. " * 20]),
                                   {"Content-Type": "text/html"}))
    db = published(tmp_path / "m.duckdb")
    before = digest(db)
    make_unwritable(db)
    (tmp_path / "urls.txt").write_text(url + "\n")
    env = {"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0", **cli_prefect}
    result = mediamon("backfill", "--urls", "urls.txt", "--db", str(db), cwd=tmp_path, env=env)
    one_line_error(result, 1, f"cannot replace {db}: ")
    assert f"kept in {writer_path(db)}" in result.stderr
    assert digest(db) == before and sorted(p.name for p in tmp_path.glob(".*")) == []
    subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    again = mediamon("backfill", "--urls", "urls.txt", "--db", str(db), cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    with open_snapshot(db) as con:
        assert con.execute("SELECT count(*) FROM articles WHERE url = ?", [url]).fetchone()[0] == 1


def test_backfill_under_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    one_line_error(backfill(tmp_path / "notes.txt" / "m.duckdb", tmp_path), 2, "notes.txt is a file, not a folder")


def test_a_single_file_warehouse_converts_on_first_use_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIAMON_STORAGE", "file")
    db = published(tmp_path / "m.duckdb")              # an earlier mediamon's file, its copy and its index
    monkeypatch.delenv("MEDIAMON_STORAGE")
    result = mediamon("status", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"mediamon: converted {db} into the lake {tmp_path / 'm.lake'}, every row kept "
        f"(the file is kept as m.pre-lake.duckdb until you remove it)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.lake", "m.pre-lake.duckdb"]
    assert (tmp_path / "m.lake" / "search").is_dir()   # the index moved in
    found = mediamon("search", "--db", str(db), "--format", "csv", text_of(1).split()[0], cwd=tmp_path)
    assert found.returncode == 0 and "http://x.example/a" in found.stdout and found.stderr == "", found.stderr
