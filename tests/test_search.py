"""Full-text search over stored articles: any script, via the CLI, its hits joined in SQL."""
import json
import subprocess
import sys


from flows.runs import backfill_urls
from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot

PAGES = {
    "/tr": ("Karabağ'da seçim tepkisi", ["Diaspora örgütleri Karabağ'daki sözde seçimlere tepki gösterdi. " * 6], "tr"),
    "/ru": ("Обращение диаспоры", ["Азербайджанцы России выступили с обращением к международному сообществу. " * 6], "ru"),
    "/en": ("Budget vote", ["The municipal council approved the road repair budget after a long debate. " * 6], "en"),
}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "mediamon.cli", *args], capture_output=True, text=True, timeout=60)


def test_search_finds_articles_in_any_script(server, loopback_env):
    for path, (title, paragraphs, lang) in PAGES.items():
        server.route(path, Reply(200, html_page(title, paragraphs, lang=lang), {"Content-Type": "text/html"}))
    urls = loopback_env / "urls.txt"
    urls.write_text("\n".join(server.url(p) for p in PAGES) + "\n")
    db = loopback_env / "test.duckdb"
    backfill_urls(urls_file=str(urls), db_path=str(db))

    russian = cli("search", "россии", "--db", str(db))       # lower case finds "России"
    assert russian.returncode == 0, russian.stderr
    assert server.url("/ru") in russian.stdout and server.url("/en") not in russian.stdout
    turkish = cli("search", "seçimlere", "--db", str(db))
    assert server.url("/tr") in turkish.stdout and server.url("/ru") not in turkish.stdout
    nothing = cli("search", "zanzibar", "--db", str(db))
    assert nothing.returncode == 0 and "no article matches" in nothing.stdout

    # the hits as a file, joined with the articles view in SQL, read-only
    hits = cli("search", "budget", "--db", str(db), "--format", "csv", "--limit", "5")
    assert hits.returncode == 0, hits.stderr
    (loopback_env / "hits.csv").write_text(hits.stdout)
    with open_snapshot(db) as con:
        rows = con.execute("SELECT h.score, a.url, a.language FROM read_csv(?) h JOIN articles a USING (doc_id)",
                           [str(loopback_env / "hits.csv")]).fetchall()
    assert [(url, language) for _, url, language in rows] == [(server.url("/en"), "en")] and rows[0][0] > 0
    as_json = cli("search", "россии", "--db", str(db), "--format", "json")
    assert [hit["url"] for hit in json.loads(as_json.stdout)] == [server.url("/ru")]

    # the option that printed DuckDB fts SQL: one line saying what to do instead
    gone = cli("search", "budget", "--sql", "--db", str(db))
    assert gone.returncode == 2 and gone.stdout == ""
    assert gone.stderr.count("\n") == 1 and "--format csv > hits.csv" in gone.stderr


def test_search_without_a_database_is_a_one_line_error(tmp_path):
    result = cli("search", "anything", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"mediamon: error: no database at {tmp_path / 'none.duckdb'}: run `mediamon run` first"


def test_search_with_its_index_missing_is_a_one_line_error(tmp_path):
    import shutil

    from tests.warehouse.test_db_file import published
    from warehouse.search_index import index_path

    db = published(tmp_path / "m.duckdb")
    shutil.rmtree(index_path(db))
    result = cli("search", "anything", "--db", str(db))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == (f"mediamon: error: no search index at {index_path(db)}: the next run "
                                     f"(e.g. `mediamon run`) builds it from the database")
