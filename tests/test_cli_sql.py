"""`mediamon sql`: the DuckDB shell of the pinned version, read-only on the analyst database; `mediamon --version`."""
import subprocess
import sys

import duckdb

from core import __version__
from mediamon.shell import shell_binary
from tests.test_cli import mediamon
from tests.test_cli_database import one_line_error
from tests.warehouse.test_db_file import published
from tests.warehouse.test_store import text_of
from warehouse.db import open_snapshot


def test_the_shell_is_the_version_of_the_duckdb_module():
    shown = subprocess.run([str(shell_binary()), "--version"], capture_output=True, text=True, timeout=60)
    assert shown.stdout.split()[0] == f"v{duckdb.__version__}"


def test_sql_runs_a_query_read_only(tmp_path):
    db = published(tmp_path / "m.duckdb")   # one article, text_of(1), at http://x.example/a
    word = text_of(1).split()[0]
    query = f"SELECT url FROM articles WHERE contains(text, '{word}')"
    result = mediamon("sql", "--db", str(db), "-c", query, "--", "-csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["url", "http://x.example/a"]

    piped = subprocess.run([sys.executable, "-m", "mediamon.cli", "sql",
                            "--db", str(db), "--", "-csv"], input="SELECT count(*) AS n FROM articles;\n",
                           capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert piped.returncode == 0 and piped.stdout.split() == ["n", "1"], piped.stderr

    write = mediamon("sql", "--db", str(db), "-c", "DELETE FROM documents", cwd=tmp_path)
    assert write.returncode != 0 and "read-only" in write.stderr
    with open_snapshot(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_sql_on_a_missing_database_is_one_line(tmp_path):
    one_line_error(mediamon("sql", "--db", str(tmp_path / "none.duckdb"), cwd=tmp_path), 2, "no database at")


def test_version():
    result = mediamon("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"mediamon {__version__}"


def test_a_shell_of_another_version_is_refused_plainly(monkeypatch):
    import pytest

    from core.errors import MediamonError
    from mediamon import shell

    monkeypatch.setattr(shell.metadata, "version", lambda name: "1.5.6")
    with pytest.raises(MediamonError, match=f"duckdb-cli 1.5.6 does not match duckdb {duckdb.__version__}"):
        shell.shell_binary()


def test_print_attach_gives_lines_any_duckdb_session_opens_the_warehouse_with(tmp_path):
    db = published(tmp_path / "m.duckdb")
    result = mediamon("sql", "--db", str(db), "--print-attach", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["LOAD", "LOAD", "ATTACH", "USE"] and "READ_ONLY" in lines[2]
    with duckdb.connect() as con:                  # what Python, pandas or DBeaver run
        for line in lines:
            con.execute(line)
        assert con.execute("SELECT url FROM articles").fetchall() == [("http://x.example/a",)]


def test_an_analysts_own_tables_live_in_their_workspace_and_survive_runs(tmp_path):
    from tests.warehouse.test_store import page
    from warehouse import Warehouse

    db = published(tmp_path / "m.duckdb")
    own = tmp_path / "analysis.duckdb"
    made = mediamon("sql", "--db", str(db), "--workspace", str(own), "-c",
                    "CREATE TABLE picked AS SELECT url FROM articles; CREATE VIEW n AS SELECT count(*) AS n "
                    "FROM mediamon.articles", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with Warehouse.open(db) as warehouse:          # a run writes, and ends
        warehouse.commit_batch([page("http://x.example/b", text_of(2))], warehouse.start_run("test"))
        warehouse.publish()
    read = mediamon("sql", "--db", str(db), "--workspace", str(own), "-c", "SELECT * FROM picked; SELECT * FROM n",
                    "--", "-csv", cwd=tmp_path)
    assert read.returncode == 0 and read.stdout.split() == ["url", "http://x.example/a", "n", "2"], read.stderr
    same = mediamon("sql", "--db", str(db), "--workspace", str(db), cwd=tmp_path)
    one_line_error(same, 2, "is the warehouse's own path")


def test_as_of_a_run_reads_the_warehouse_as_that_run_left_it(tmp_path):
    from tests.warehouse.test_store import page
    from warehouse import Warehouse
    from warehouse.store import BatchCounts

    db = tmp_path / "m.duckdb"
    with Warehouse.open(db) as warehouse:
        first = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], first)
        warehouse.finish_run(first, "completed", urls_planned=1, counts=BatchCounts())
        warehouse.commit_batch([page("http://x.example/b", text_of(2))], warehouse.start_run("test"))
    count = "SELECT count(*) AS n FROM articles"
    now = mediamon("sql", "--db", str(db), "-c", count, "--", "-csv", cwd=tmp_path)
    then = mediamon("sql", "--db", str(db), "--as-of", first[:8], "-c", count, "--", "-csv", cwd=tmp_path)
    assert now.stdout.split() == ["n", "2"] and then.stdout.split() == ["n", "1"], then.stderr
    one_line_error(mediamon("sql", "--db", str(db), "--as-of", "2001-01-01", cwd=tmp_path), 2, "holds no snapshot")
    one_line_error(mediamon("sql", "--db", str(db), "--as-of", "nosuchrun", cwd=tmp_path), 2, "no run has that id")
