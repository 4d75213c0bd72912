"""The search index beside the database: each batch adds to it, it stays in step with the database
through crashes, deletion and damage, an old database's fts index is replaced, and it reads the words
of tr/ru/uk/az/en text the way a reader of those languages means them."""
import os
import subprocess
import sys
import textwrap

import duckdb
import pytest

from tests.warehouse.test_store import page, text_of
from warehouse import DatabaseUnusable, Warehouse
from warehouse.db import latest_version
from warehouse.search_index import SearchIndexUnavailable, index_path, search
from warehouse.search_text import normalise, query_words
from warehouse.snapshot import writer_path
from warehouse.store import doc_id_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def urls(db, query):
    return [hit.url for hit in search(db, query)]


def store(db, *pages):
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch(list(pages), warehouse.start_run("test"))


# -- words --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,query", [
    ("İSTANBUL'DA TOPLANTI", "istanbul"),            # Turkish capital İ: no combining dot left behind
    ("İstanbul'da toplantı", "ISTANBUL"),
    ("Iğdır valiliği", "IĞDIR"),                     # dotless ı and capital I fold together
    ("Xankəndi və Ağdam", "XANKƏNDİ"),               # Azerbaijani ə, İ
    ("Karabağ'daki seçimler", "karabağ"),            # the apostrophe before a suffix ends the word
    ("Азербайджанцы России", "россии"),              # Cyrillic case folding
    ("Українське м\u02bcясо", "м'ясо"),              # Ukrainian apostrophe, either code point
    ("Україна\u0301 и\u0306де", "йде"),              # decomposed й, a stress mark
    ("Nagorno-\u00adKarabakh cease\u00adfire", "ceasefire"),  # a soft hyphen inside a word
    ("Карабах/Karabakh 2020", "karabakh"),           # mixed scripts split at the slash
    ("COVID-19 vaka sayısı", "covid-19"),            # a word split in two matches as a phrase
])
def test_words_match_across_case_and_spelling_variants(text, query):
    terms = {term for word in query_words(text) for term in word}
    assert all(term in terms for word in query_words(query) for term in word), (query_words(text), query_words(query))


def test_normalising_keeps_letters_of_their_own_and_ascii_untouched():
    assert normalise("şuşa ğ ç ö ü ё ї є ґ ə") == "şuşa ğ ç ö ü ё ї є ґ ə"  # no accent folding
    assert normalise("plain ascii, kept as is") == "plain ascii, kept as is"
    assert query_words("seçim seçimlere") == [["seçim"], ["seçimlere"]]      # no stemming
    assert query_words("... -- !!") == []


# -- a run only adds to the index -----------------------------------------------------------------

def test_each_batch_adds_and_earlier_articles_stay_searchable(tmp_path):
    db = tmp_path / "m.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/tr", "Karabağ'da seçim tepkisi " * 20)], run)
        assert urls(db, "karabağ") == ["http://x.example/tr"]       # searchable once its batch commits
        warehouse.commit_batch([page("http://x.example/ru", "Обращение диаспоры России " * 20)], run)
        segments = tantivy_segments(db)
    assert urls(db, "karabağ") == ["http://x.example/tr"] and urls(db, "россии") == ["http://x.example/ru"]
    assert segments >= 1
    both = search(db, "karabağ россии")
    assert {hit.url for hit in both} == {"http://x.example/tr", "http://x.example/ru"}
    assert both[0].score >= both[1].score > 0
    assert both[0].snippet.startswith(("Karabağ'da seçim tepkisi", "Обращение диаспоры"))


def tantivy_segments(db):
    import tantivy
    return tantivy.Index.open(str(index_path(db))).searcher().num_segments


def test_a_changed_text_replaces_the_old_one(tmp_path):
    db = tmp_path / "m.duckdb"
    store(db, page("http://x.example/a", "The ceasefire statement was read in Baku. " * 10))
    store(db, page("http://x.example/a", "The council approved the road budget. " * 10))
    assert urls(db, "ceasefire") == []
    assert urls(db, "budget") == ["http://x.example/a"]
    assert [hit.doc_id for hit in search(db, "the")] == [doc_id_for("http://x.example/a")]  # one entry, not two


# -- in step with the database ------------------------------------------------------------------

CRASH_AFTER_DB_COMMIT = textwrap.dedent("""
    import os, sys
    from tests.warehouse.test_store import page
    from warehouse import Warehouse
    warehouse = Warehouse.open(sys.argv[1])
    warehouse.search.index_batch = lambda con, articles: os._exit(9)   # dies after the database commit
    warehouse.commit_batch([page("http://x.example/late", "Şuşa'daki törene tepki " * 20)], warehouse.start_run("t"))
""")


def test_a_run_that_dies_between_the_database_and_the_index_commit_is_caught_up(tmp_path):
    db = tmp_path / "m.duckdb"
    store(db, page("http://x.example/early", "Early article about the OSCE Minsk group. " * 10))
    died = subprocess.run([sys.executable, "-c", CRASH_AFTER_DB_COMMIT, str(db)], cwd=ROOT, timeout=120)
    assert died.returncode == 9
    assert urls(db, "şuşa") == []                          # stored in the database, not in the index yet
    with Warehouse.open(db) as warehouse:                  # the next writer catches up
        assert warehouse.con.execute("SELECT count(*) FROM search_backlog").fetchone()[0] == 0
    assert urls(db, "şuşa") == ["http://x.example/late"] and urls(db, "osce") == ["http://x.example/early"]


def test_a_deleted_or_damaged_index_is_rebuilt_from_the_database_with_one_line(tmp_path, capsys):
    import shutil

    db = tmp_path / "m.duckdb"
    store(db, page("http://x.example/a", text_of(1)), page("http://x.example/b", "Baku statement " * 30))
    folder = index_path(db)
    shutil.rmtree(folder)
    with pytest.raises(SearchIndexUnavailable, match="no search index at .*the next run"):
        search(db, "baku")
    capsys.readouterr()
    Warehouse.open(db).close()
    said = capsys.readouterr().err.strip().splitlines()
    assert said == [f"mediamon: building the search index {folder} from the database (none yet): 2 articles"]
    assert urls(db, "baku") == ["http://x.example/b"]

    (folder / "meta.json").write_text("{ not json")       # damaged
    Warehouse.open(db).close()
    assert "unreadable" in capsys.readouterr().err
    assert urls(db, "baku") == ["http://x.example/b"]


def test_an_index_out_of_step_with_the_database_is_rebuilt(tmp_path, capsys):
    db = tmp_path / "m.duckdb"
    store(db, page("http://x.example/a", "Baku statement " * 30))
    other = tmp_path / "other.duckdb"                      # another database's index put in its place
    store(other, page("http://x.example/z", "Zanzibar " * 30), page("http://x.example/y", "Yerevan " * 30))
    import shutil
    shutil.rmtree(index_path(db))
    shutil.copytree(index_path(other), index_path(db))
    Warehouse.open(db).close()
    assert "it holds 2 articles, the database 1" in capsys.readouterr().err
    assert urls(db, "baku") == ["http://x.example/a"] and urls(db, "zanzibar") == []


def test_a_folder_that_is_not_an_index_is_never_replaced(tmp_path):
    db = tmp_path / "m.duckdb"
    folder = index_path(db)
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("an analyst's own file")
    with pytest.raises(DatabaseUnusable, match="is not a mediamon search index"):
        Warehouse.open(db)
    assert (folder / "notes.txt").read_text() == "an analyst's own file"


# -- readers and a writer at once -----------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tests.warehouse.test_store import page
    from warehouse import Warehouse
    db, stop = sys.argv[1], Path(sys.argv[2])
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("t")
        n = 0
        while not stop.exists() and n < 2000:
            warehouse.commit_batch([page(f"http://x.example/{n}/{k}", f"batch{n} Karabakh news item {k}")
                                    for k in range(5)], run)
            n += 1
            if n == 1:
                print("ready", flush=True)
    print(n, flush=True)
""")


def test_search_works_while_another_process_writes(tmp_path):
    db = tmp_path / "m.duckdb"
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(stop)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        seen = [len(search(db, "karabakh", limit=10_000)) for _ in range(30)]
        assert writer.poll() is None                       # still writing while we searched
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=120)
    assert writer.returncode == 0
    batches = int(out.split()[-1])
    assert seen == sorted(seen) and seen[0] >= 5          # each search saw a committed state, never less
    assert len(search(db, "karabakh", limit=100_000)) == batches * 5
    assert urls(db, "batch0") and len(search(db, f"batch{batches - 1}")) == 5


# -- upgrade ------------------------------------------------------------------------------------

@pytest.mark.usefixtures("file_storage")  # an upgrade of the DuckDB file
def test_an_old_database_with_the_fts_index_is_upgraded_and_searchable(tmp_path, capsys):
    fts = pytest.importorskip("duckdb_extension_fts")
    import shutil
    from pathlib import Path

    db = tmp_path / "m.duckdb"
    store(db, page("http://x.example/a", "Diaspora organizations protest in Shusha " * 10),
          page("http://x.example/b", text_of(2)))
    shutil.rmtree(index_path(db))
    extension = next((Path(fts.__file__).parent / "extensions").glob(f"v{duckdb.__version__}/fts.duckdb_extension"))
    with duckdb.connect(str(writer_path(db))) as con:      # the database as mediamon with schema v11 left it
        con.execute("DROP TABLE search_backlog; DROP TABLE key_backlog; DELETE FROM schema_version WHERE version >= 12")
        con.execute("ALTER TABLE doc_clusters DROP COLUMN cluster_size")   # added by 014
        con.execute("CREATE TABLE lsh_buckets (band SMALLINT NOT NULL, bucket BIGINT NOT NULL, doc_id VARCHAR NOT NULL);"
                    "CREATE TABLE anchor_postings (anchor VARCHAR NOT NULL, doc_id VARCHAR NOT NULL)")  # dropped by 016
        for column in ("snapshot_at", "archive_url", "warc_file", "warc_offset", "payload_digest"):
            con.execute(f"ALTER TABLE documents DROP COLUMN {column}")
        con.execute("CREATE TABLE fts_state (documents_signature VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)")
        con.execute(f"LOAD '{extension}'")
        con.execute("PRAGMA create_fts_index('documents', 'doc_id', 'title', 'text', stemmer = 'none', "
                    "stopwords = 'none', ignore = '[^\\p{L}\\p{N}]+', strip_accents = 0, lower = 1, overwrite = 1)")
        con.execute("INSERT INTO fts_state VALUES ('2:0', now())")
    with Warehouse.open(db) as warehouse:
        con = warehouse.con
        assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == latest_version()
        assert con.execute("SELECT count(*) FROM information_schema.schemata "
                           "WHERE schema_name = 'fts_main_documents'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'fts_state'").fetchone()[0] == 0
        warehouse.publish()
    assert "building the search index" in capsys.readouterr().err
    assert urls(db, "shusha") == ["http://x.example/a"]
    with duckdb.connect(str(db), read_only=True) as con:   # the analyst copy opens without the extension
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
