import random
from datetime import datetime, timezone

from extractors.fingerprint import fingerprint
from extractors.language import detect_language
from extractors.seed import parse_seed
from core.records import Article, FetchResult, Language, Outcome, Page
from warehouse import Warehouse
from warehouse.store import doc_id_for

VOCAB = ["karabakh", "appeal", "diaspora", "election", "regime", "baku", "osce", "peace", "law", "community",
         "international", "statement", "ceasefire", "region", "shusha", "minsk", "group", "armenia"]


def text_of(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) + str(rng.randint(0, 40)) for _ in range(n))


def page(url: str, text: str | None, outcome: Outcome = Outcome.OK) -> Page:
    fetch = FetchResult(url=url, attempted_at=datetime.now(timezone.utc), outcome=outcome, http_status=200,
                        final_url=url, body=b"<html/>", bytes=7)
    if text is None:
        return Page(fetch)
    import hashlib
    return Page(fetch, Article(text, "t", None, None, None, "test"), Language("en", 0.99, "test"), fingerprint(text),
                hashlib.sha256(text.encode()).hexdigest())


def test_seeds_are_stored_once_with_their_citations(tmp_path):
    seed = parse_seed("A seed citing http://a.example/1 and https://b.example/2.", "s.txt")
    analysed = [(seed, detect_language(seed.text), fingerprint(seed.text))]
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        assert warehouse.store_seeds(analysed, run) == 1
        assert warehouse.store_seeds(analysed, run) == 0
        assert warehouse.con.execute("SELECT count(*) FROM seeds").fetchone()[0] == 1
        assert warehouse.con.execute("SELECT url FROM citations ORDER BY position").fetchall() == [
            ("http://a.example/1",), ("https://b.example/2",)]
        assert warehouse.cited_urls() == ["http://a.example/1", "https://b.example/2"]


def test_only_seeds_not_stored_are_analysed_again(tmp_path, monkeypatch):
    """A rerun over the same seed folder fingerprints only the seeds it has not stored (each once)."""
    import extractors.fingerprint
    from core.settings import load_settings
    from engine.jobs import ingest_seeds

    old = parse_seed("A seed citing http://a.example/1.", "old.txt")
    new = parse_seed("Another seed citing http://b.example/2.", "new.txt")
    fingerprinted = []
    monkeypatch.setattr(extractors.fingerprint, "fingerprint", lambda text: fingerprinted.append(text) or fingerprint(text))
    settings = load_settings({})
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        assert ingest_seeds(warehouse, [old], run, settings) == 1
        assert warehouse.unseen_seeds([old, new, new]) == [new]
        assert ingest_seeds(warehouse, [old, new, new], run, settings) == 1
        assert fingerprinted == [old.text, new.text]
        assert warehouse.con.execute("SELECT count(*) FROM seeds").fetchone()[0] == 2


def test_exact_and_near_duplicates_against_stored_and_within_a_batch(tmp_path):
    original = text_of(1)
    words = original.split()
    near = " ".join(words[:100] + words[110:] + ["reprinted", "with", "permission"])
    seed = parse_seed(original, "seed.txt")
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.store_seeds([(seed, Language("en", 1.0, "t"), fingerprint(original))], run)
        counts = warehouse.commit_batch([
            page("http://x.example/copy", original.upper()),      # exact copy of the seed (case folded)
            page("http://x.example/edited", near),                # near copy of the seed
            page("http://x.example/other", text_of(2)),           # unrelated
            page("http://x.example/other-again", text_of(2)),     # exact copy of an earlier item of this batch
        ], run)
        assert counts.new_articles == 4 and counts.duplicates == 3
        pairs = dict(((d, o), (k, s)) for d, o, k, s in
                     warehouse.con.execute("SELECT doc_id, duplicate_of, kind, similarity FROM duplicates").fetchall())
        assert pairs[(doc_id_for("http://x.example/copy"), seed.seed_id)] == ("exact", 1.0)
        kind, similarity = pairs[(doc_id_for("http://x.example/edited"), seed.seed_id)]
        assert kind == "near" and 0.7 <= similarity < 1.0
        assert pairs[(doc_id_for("http://x.example/other-again"), doc_id_for("http://x.example/other"))][0] == "exact"
        # the edited copy is also near the exact copy of the seed; nothing pairs with the unrelated text
        assert pairs[(doc_id_for("http://x.example/edited"), doc_id_for("http://x.example/copy"))][0] == "near"
        assert len(pairs) == 4
        # the articles view names the best duplicate of each article
        row = warehouse.con.execute("SELECT duplicate_of, duplicate_kind FROM articles WHERE url = ?",
                                    ["http://x.example/copy"]).fetchone()
        assert row == (seed.seed_id, "exact")
        # a later batch is compared with what is stored
        warehouse.commit_batch([page("http://y.example/late", text_of(2))], run)
        assert warehouse.con.execute("SELECT kind FROM duplicates WHERE doc_id = ?",
                                     [doc_id_for("http://y.example/late")]).fetchall() == [("exact",)]


def test_changed_texts_keep_their_own_earlier_versions_across_files_and_merges(tmp_path):
    """The stored rows a batch replaces are read by row id (warehouse.db.rows_at): after batches in
    files of their own, a merge at a run's end and an article replaced in between, each earlier
    version kept is that article's, and the located rows are the rows a doc_id look-up finds."""
    from warehouse.db import rows_at

    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        con, run = warehouse.con, warehouse.start_run("test")
        for batch in range(4):
            warehouse.commit_batch([page(f"http://x.example/{batch}-{i}", text_of(10 * batch + i)) for i in range(5)], run)
        warehouse.publish()   # the run's end merges the batches' small files
        warehouse.commit_batch([page("http://x.example/1-1", text_of(100))], run)   # its row moves to a new file
        located = con.execute("SELECT rowid, doc_id, text FROM documents").fetchall()
        found = rows_at(con, "documents", "doc_id, text", [r for r, _, _ in located][::-1])
        assert sorted(zip(found["doc_id"].to_pylist(), found["text"].to_pylist())) == sorted((d, t) for _, d, t in located)

        changed = {"http://x.example/0-2": text_of(200), "http://x.example/1-1": text_of(201),
                   "http://x.example/3-4": text_of(202)}
        before = dict(con.execute("SELECT url, text FROM documents").fetchall())
        warehouse.commit_batch([page(url, text) for url, text in changed.items()], run)
        kept = dict(con.execute("SELECT d.url, v.text FROM document_versions v JOIN documents d USING (doc_id) "
                                "WHERE v.version = d.version - 1").fetchall())
        assert kept == {url: before[url] for url in changed}
        now = dict(con.execute("SELECT url, text FROM documents").fetchall())
        assert now == {**before, **changed}


def test_refetched_url_replaces_its_article_and_keeps_every_attempt(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(5))], run)
        warehouse.commit_batch([page("http://x.example/a", text_of(6))], run)
        assert warehouse.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        assert warehouse.con.execute("SELECT count(*) FROM fetches").fetchone()[0] == 2
        assert warehouse.keys.con.execute("SELECT count(*) FROM lsh").fetchone()[0] == 32   # one document's look-up keys
        # its own earlier version is not a duplicate of it
        assert warehouse.con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0


def test_ok_fetch_without_article_is_recorded_as_empty_extraction(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        counts = warehouse.commit_batch([page("http://x.example/js", None),
                                         page("http://x.example/gone", None, Outcome.HTTP_ERROR)], run)
        assert counts.outcomes == {"empty_extraction": 1, "http_error": 1}
        assert warehouse.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_a_failed_batch_leaves_nothing_behind(tmp_path, monkeypatch):
    import warehouse.dedupe as dedupe

    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")

        def boom(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(dedupe, "find_duplicates", boom)
        try:
            warehouse.commit_batch([page("http://x.example/a", text_of(7))], run)
        except RuntimeError:
            pass
        for table in ("fetches", "articles", "duplicates"):
            assert warehouse.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
