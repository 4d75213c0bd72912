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
    with duckdb.connect(str(db), read_only=True) as con:
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
