"""Inputs as a user gives them: a URL file that is not one is refused in one line; a bad seed file is skipped,
counted and named, and the other seeds run."""
import random

import pytest

from tests.test_cli import mediamon
from tests.test_cli_database import one_line_error
from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot


@pytest.mark.parametrize("content, fragment", [
    (random.Random(3).randbytes(1 << 20), "is not"),
    (b"https://a.example/1\n" + b"https://a.example/?q=" + b"x" * 9000 + b"\n", "line 2 is 9,021 bytes long"),
    ("https://a.example/1\n".encode("utf-16"), "is UTF-16 text: save it as UTF-8"),
], ids=["binary", "long-line", "utf-16"])
def test_a_url_file_that_is_not_a_list_of_urls(tmp_path, content, fragment):
    (tmp_path / "urls.txt").write_bytes(content)
    line = one_line_error(mediamon("backfill", "--urls", "urls.txt", "--db", "m.duckdb", cwd=tmp_path), 2, fragment)
    assert line.startswith("mediamon: error: URL file urls.txt ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["urls.txt"]   # nothing written


def test_a_seeds_folder_without_a_usable_seed(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "empty.txt").write_bytes(b"")
    (tmp_path / "seeds" / "cp1251.txt").write_bytes("Заявление диаспоры".encode("cp1251"))
    one_line_error(mediamon("run", "--seeds", "seeds", "--db", "m.duckdb", cwd=tmp_path), 2,
                   "no usable seed file in seeds (cp1251.txt: not UTF-8 text (byte 0xc7 on line 1): save it as "
                   "UTF-8; empty.txt: empty (no words))")


@pytest.mark.slow
def test_a_bad_seed_file_is_skipped_and_the_others_run(tmp_path, server, cli_prefect):
    page = server.route("/a", Reply(200, html_page("A page", ["Words of an article about the appeal. " * 20]),
                                    {"Content-Type": "text/html"}))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_bytes("\ufeffDiaspora groups respond to the election\n\nSee {}\n".format(page).encode())
    (seeds / "b.txt").write_bytes("Karabağ seçimleri hakkında açıklama".encode("cp1254"))
    (seeds / "c.txt").write_bytes(b"\n\n")
    env = {"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0", **cli_prefect}
    result = mediamon("run", "--seeds", "seeds", "--db", "m.duckdb", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "skipped seed seeds/b.txt: not UTF-8 text (byte 0xf0 on line 1)" in result.stderr
    assert "skipped seed seeds/c.txt: empty (no words)" in result.stderr
    assert "seed files skipped (see warnings)" in result.stdout
    with open_snapshot(tmp_path / "m.duckdb") as con:
        assert con.execute("SELECT title FROM seeds").fetchall() == [("Diaspora groups respond to the election",)]
        assert con.execute("SELECT url, outcome FROM fetches").fetchall() == [(page, "ok")]


@pytest.mark.parametrize("name, value, rule", [
    ("MEDIAMON_CONNECT_TIMEOUT", "1e400", "must be a number of seconds more than 0 and at most 3600"),
    ("MEDIAMON_PER_HOST_DELAY", "nan", "must be a number of seconds from 0 to 3600"),
    ("MEDIAMON_ALLOW_HOSTS", "127.0.0.1:8765", "'127.0.0.1:8765' has a port or is not an address"),
])
def test_a_bad_setting_is_one_line_before_anything_runs(tmp_path, name, value, rule):
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/a\n")
    result = mediamon("backfill", "--urls", "urls.txt", "--db", "m.duckdb", cwd=tmp_path, env={name: value})
    one_line_error(result, 2, f"{name}={value!r} is not valid: {rule}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["urls.txt"]


@pytest.mark.parametrize("args, fragment", [
    (["nosuch"], "No such command 'nosuch'."),
    (["status", "--limit", "x"], "Invalid value for '--limit'"),
    (["status", "--limit", "0"], "Invalid value for '--limit': Input should be greater than or equal to 1"),
    (["backfill", "--urls"], "Option '--urls' requires an argument."),
    (["status", "--bogus"], "No such option: --bogus"),
])
def test_a_command_line_that_does_not_parse_is_one_line(tmp_path, args, fragment):
    one_line_error(mediamon(*args, cwd=tmp_path), 2, fragment)


def test_help_is_still_help(tmp_path):
    assert mediamon("status", "--help", cwd=tmp_path).returncode == 0
    alone = mediamon(cwd=tmp_path)
    assert alone.returncode == 2 and "Usage" in alone.stdout + alone.stderr and "error" not in alone.stderr
