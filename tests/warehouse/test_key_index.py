"""The duplicate look-up index (warehouse.key_index): in step with the tables after every batch, after a
crash between the two commits, after its folder is lost; and the look-ups it answers are the tables'."""
import shutil

import pytest

import warehouse.key_writer as key_writer
from core.records import Anchor
from tests.warehouse.test_store import page, text_of
from warehouse import DatabaseUnavailable, Warehouse
from warehouse.store import doc_id_for


def keys_folder(db):
    return db.parent / "w.lake" / "keys"


def indexed(warehouse) -> set[str]:
    search = warehouse.keys.search()
    ids = {row[0] for row in warehouse.con.execute("SELECT doc_id FROM fingerprints").fetchall()}
    assert search.documents == len(ids)
    return search.indexed(ids | {"doc-never-stored"})


def test_every_batch_is_in_the_index_once_it_commits(tmp_path):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(1)), page("http://x.example/b", text_of(2))], run)
        assert indexed(warehouse) == {doc_id_for("http://x.example/a"), doc_id_for("http://x.example/b")}
        assert warehouse.con.execute("SELECT count(*) FROM key_backlog").fetchone()[0] == 0
        # a copy in a later batch is found through the index
        counts = warehouse.commit_batch([page("http://y.example/a", text_of(1))], run)
        assert counts.duplicates == 1
        assert warehouse.con.execute("SELECT duplicate_of, kind FROM duplicates WHERE doc_id = ?",
                                     [doc_id_for("http://y.example/a")]).fetchall() == [
            (doc_id_for("http://x.example/a"), "exact")]


def test_a_text_indexed_again_replaces_its_keys_and_its_old_text_is_no_candidate(tmp_path):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(5))], run)
        # the same batch re-fetches /a with another text and brings a copy of /a's old text: the old
        # text has left the index, so the copy is no duplicate of /a
        warehouse.commit_batch([page("http://x.example/a", text_of(6)), page("http://y.example/c", text_of(5))], run)
        assert warehouse.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0
        search = warehouse.keys.search()
        new_sha = warehouse.con.execute("SELECT normalized_sha256 FROM fingerprints WHERE doc_id = ?",
                                        [doc_id_for("http://x.example/a")]).fetchone()[0]
        assert search.exact_matches([("probe", new_sha)]) == {"probe": doc_id_for("http://x.example/a")}
        assert search.documents == 2
        # a later copy of the new text pairs with /a
        warehouse.commit_batch([page("http://z.example/d", text_of(6))], run)
        assert warehouse.con.execute("SELECT duplicate_of FROM duplicates WHERE doc_id = ?",
                                     [doc_id_for("http://z.example/d")]).fetchall() == [(doc_id_for("http://x.example/a"),)]


def test_a_crash_between_the_tables_commit_and_the_index_commit_is_caught_up_at_the_next_open(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], run)

        def dies(self, docs):
            raise SystemExit("killed before the index committed")

        monkeypatch.setattr(key_writer.KeyWriter, "_write", dies)
        with pytest.raises(SystemExit):
            warehouse.commit_batch([page("http://x.example/b", text_of(2))], run)
        monkeypatch.undo()
        # the tables have /b, the index does not: the backlog says so
        assert warehouse.con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert warehouse.con.execute("SELECT count(*) FROM key_backlog").fetchone()[0] == 1
    with Warehouse.open(db) as warehouse:
        assert indexed(warehouse) == {doc_id_for("http://x.example/a"), doc_id_for("http://x.example/b")}
        assert warehouse.con.execute("SELECT count(*) FROM key_backlog").fetchone()[0] == 0
        counts = warehouse.commit_batch([page("http://y.example/b", text_of(2))], warehouse.start_run("test"))
        assert counts.duplicates == 1


def test_a_lost_or_foreign_index_folder(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], warehouse.start_run("test"))
    shutil.rmtree(keys_folder(db))
    with Warehouse.open(db) as warehouse:   # rebuilt from the tables, with the same entries
        assert indexed(warehouse) == {doc_id_for("http://x.example/a")}
        [(minhash,)] = warehouse.con.execute("SELECT minhash FROM fingerprints").fetchall()
        stored = warehouse.keys.search().stored(doc_id_for("http://x.example/a"))
        assert stored.minhash == minhash and stored.kind == "article" and stored.language == "en"
        counts = warehouse.commit_batch([page("http://y.example/a", text_of(1))], warehouse.start_run("test"))
        assert counts.duplicates == 1
    assert "building the duplicate look-up index" in capsys.readouterr().err
    shutil.rmtree(keys_folder(db))
    keys_folder(db).mkdir()
    (keys_folder(db) / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="is not a mediamon key index"):
        Warehouse.open(db)
    assert (keys_folder(db) / "notes.txt").read_text() == "mine"


def test_stored_anchors_and_languages_answer_the_cross_lingual_look_up(tmp_path):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(3))], warehouse.start_run("test"))
        search = warehouse.keys.search()
        stored = search.stored(doc_id_for("http://x.example/a"))
        rows = warehouse.con.execute("SELECT anchors, surfaces FROM anchor_sets").fetchall()
        assert [a.key for a in stored.anchors] == rows[0][0]
        assert all(isinstance(a, Anchor) for a in stored.anchors)
        frequencies = search.document_frequencies({a.key for a in stored.anchors} | {"n:never"})
        assert set(frequencies) == {a.key for a in stored.anchors} and set(frequencies.values()) <= {1}


def test_an_unwritable_index_is_one_error(tmp_path, make_unwritable):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], warehouse.start_run("test"))
    shutil.rmtree(keys_folder(db))
    make_unwritable(db.parent / "w.lake")
    with pytest.raises(DatabaseUnavailable, match="cannot write"):
        Warehouse.open(db)


def test_new_articles_delete_nothing_and_a_changed_text_leaves_the_index_first(tmp_path, monkeypatch):
    """What keeps a backfill's cost off the stored tables: a statement that deletes reads every stored
    id (Parquet has no index), so it runs only for documents stored or indexed before."""
    import warehouse.db as db

    ran = []
    real = db.run_staged

    def recording(con, statement, *args, **kwargs):
        ran.append(statement)
        return real(con, statement, *args, **kwargs)

    for module in ("warehouse.store", "warehouse.dedupe", "warehouse.revisions", "warehouse.clusters"):
        monkeypatch.setattr(f"{module}.run_staged", recording)
    deletes = {"delete_documents", "unindex_documents", "unindex_anchors"}
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page(f"http://x.example/{i}", text_of(i)) for i in range(5)], run)
        assert not deletes & set(ran) and "insert_documents" in ran
        ran.clear()
        warehouse.commit_batch([page("http://x.example/0", text_of(0))], run)   # the same text again
        assert set(ran) & deletes == {"delete_documents"}
        ran.clear()
        warehouse.commit_batch([page("http://x.example/1", text_of(99))], run)  # another text
        assert set(ran) & deletes == deletes
        assert warehouse.con.execute("SELECT count(*) FROM fingerprints").fetchone()[0] == 5
        assert warehouse.keys.con.execute("SELECT count(*) FROM lsh").fetchone()[0] == 5 * 32


def index_contents(warehouse) -> dict[str, set]:
    """Every row of the key index's tables, with document ids in place of its row numbers."""
    lite = warehouse.keys.con
    doc_of = dict(lite.execute("SELECT id, doc_id FROM docs").fetchall())
    return {
        "docs": set(lite.execute("SELECT doc_id, kind, language, sha, minhash, shingles, first_seen, anchors FROM docs")),
        "lsh": {(key, doc_of[i]) for key, i in lite.execute("SELECT key, id FROM lsh")},
        "anchor": {(key, doc_of[i]) for key, i in lite.execute("SELECT key, id FROM anchor")},
        "anchor_df": set(lite.execute("SELECT key, n FROM anchor_df")),
    }


def test_a_rebuilt_index_holds_what_the_batches_wrote(tmp_path):
    """Batch writes (adds, a text indexed again, its old anchors' counts taken back) and a rebuild
    from the tables give the same index, row for row."""
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page(f"http://x.example/{i}", text_of(i)) for i in range(6)], run)
        warehouse.commit_batch([page("http://x.example/2", text_of(40)), page("http://y.example/3", text_of(3))], run)
        written = index_contents(warehouse)
        assert len(written["docs"]) == 7 and len(written["lsh"]) >= 7 * 30
        assert written["anchor_df"] and all(n > 0 for _, n in written["anchor_df"])
    shutil.rmtree(keys_folder(db))
    with Warehouse.open(db) as warehouse:
        assert index_contents(warehouse) == written


def test_a_damaged_index_database_is_rebuilt_in_one_line(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], warehouse.start_run("test"))
    (keys_folder(db) / "keys.sqlite").write_bytes(b"not a database at all" * 100)
    with Warehouse.open(db) as warehouse:
        assert indexed(warehouse) == {doc_id_for("http://x.example/a")}
    err = capsys.readouterr().err
    assert "building the duplicate look-up index" in err and "unreadable" in err and "Traceback" not in err


def test_a_key_index_of_an_earlier_release_is_replaced(tmp_path, capsys):
    """Format 1 was a Tantivy index (meta.json and segment files beside the marker): rebuilt once."""
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], warehouse.start_run("test"))
    shutil.rmtree(keys_folder(db))
    keys_folder(db).mkdir()
    (keys_folder(db) / "mediamon-keys.json").write_text('{"format": 1}\n')
    (keys_folder(db) / "meta.json").write_text("{}")
    (keys_folder(db) / "0123.term").write_bytes(b"\0" * 64)
    with Warehouse.open(db) as warehouse:
        assert indexed(warehouse) == {doc_id_for("http://x.example/a")}
    assert "another mediamon version" in capsys.readouterr().err
    assert sorted(p.name for p in keys_folder(db).iterdir()) == ["keys.sqlite", "mediamon-keys.json"]
