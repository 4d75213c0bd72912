"""The synthetic warehouse benchmarks build (testkit.synthetic_warehouse) is one the project reads as its own."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import SHARED, needs_shared
from warehouse.db import open_snapshot


@pytest.fixture(scope="module")
def small_pool():
    needs_shared(SHARED / "corpus" / "langid" / "ru.txt")
    from testkit.synthetic_texts import ParagraphPool, source_texts

    texts = source_texts(served=181)   # no benchmark page: the langid sentences and the news pages
    by_language: dict[str, list] = {}
    for language, text in texts:
        by_language.setdefault(language, []).append((language, text))
    return ParagraphPool([t for group in by_language.values() for t in group[:12]])


@pytest.fixture(scope="module")
def built(tmp_path_factory, small_pool):
    from testkit.synthetic_warehouse import build_warehouse

    db = tmp_path_factory.mktemp("synthetic") / "mediamon.duckdb"
    report = build_warehouse(db, 300, batch_size=120, paragraphs=small_pool, log=lambda line: None)
    return db, report


def test_every_article_is_stored_with_its_index_rows_and_nothing_is_left_for_the_next_run(built):
    from warehouse.db import sql

    db, report = built
    with open_snapshot(db) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 300
        assert con.execute(sql("index_backlog")).fetchall() == []   # anchors and clusters for every document
        unprinted = con.execute("SELECT count(*) FROM articles a LEFT JOIN fingerprints f USING (doc_id) "
                                "WHERE f.minhash IS NULL OR octet_length(f.minhash) <> 512").fetchone()[0]
        assert unprinted == 0   # each article's MinHash, which its look-up keys are computed from
        kinds = dict(con.execute("SELECT kind, count(*) FROM duplicates GROUP BY ALL").fetchall())
        assert kinds.get("exact", 0) > 0 and kinds.get("near", 0) > 0
        assert con.execute("SELECT count(*) FROM articles a JOIN seeds s ON s.seed_id = a.duplicate_of").fetchone()[0] > 0
        due = con.execute("SELECT count(*) FROM schedule WHERE next_check_at < ?",
                          [datetime.now(timezone.utc) + timedelta(days=1)]).fetchone()[0]
        assert due == 0
    assert report.rows["documents"] == 300 and report.arrow_bytes > 0


def test_the_stored_cluster_sizes_and_fetch_columns_are_what_the_writer_would_store(built):
    db, _ = built
    with open_snapshot(db) as con:
        sizes = con.execute("SELECT count(*), count(*) FILTER (WHERE c.cluster_size > 1), "
                            "count(*) FILTER (WHERE c.cluster_size IS DISTINCT FROM s.size) FROM doc_clusters c "
                            "JOIN (SELECT cluster_id, count(*) AS size FROM doc_clusters GROUP BY ALL) s USING (cluster_id)")
        total, clustered, wrong = sizes.fetchone()
        assert total > 300 and clustered > 0 and wrong == 0
        fetches = con.execute("SELECT count(*), count(*) FILTER (WHERE (d.warc_file, d.warc_offset, d.payload_digest, "
                              "d.snapshot_at, d.archive_url) IS DISTINCT FROM (f.warc_file, f.warc_offset, "
                              "f.payload_digest, f.snapshot_at, f.archive_url)), count(d.warc_file) "
                              "FROM documents d JOIN fetch_log f USING (fetch_id)")
        assert fetches.fetchone() == (300, 0, 300)


def test_the_derived_fingerprints_are_close_to_the_projects_own(built):
    _, report = built
    assert report.fidelity.exact_key_equal == 1.0
    assert report.fidelity.mean_jaccard >= 0.85
    assert report.fidelity.anchor_jaccard >= 0.9


def test_every_docs_example_statement_runs_on_it(built, tmp_path, monkeypatch):
    import csv

    from testkit.doc_examples import example_statements
    from warehouse.search_index import search

    db, _ = built
    examples = example_statements()
    assert len(examples) >= 10
    hits = search(db, "the", 20)   # the file the docs' `mediamon search ... --format csv > hits.csv` writes
    assert hits
    with open(tmp_path / "hits.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(hits[0]._fields)
        writer.writerows(hits)
    monkeypatch.chdir(tmp_path)
    with open_snapshot(db) as con:
        for example in examples:
            con.execute(example.sql).fetchall()


def _contents(db) -> dict[str, list]:
    from testkit.synthetic_warehouse import INSERT_ORDER

    with open_snapshot(db) as con:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in INSERT_ORDER}


def test_a_seed_builds_the_same_warehouse_whatever_the_number_of_workers(small_pool, tmp_path):
    from testkit.synthetic_warehouse import build_warehouse

    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    contents = []
    for workers, seed in ((0, 3), (2, 3), (0, 4)):
        db = tmp_path / f"{workers}-{seed}" / "mediamon.duckdb"
        db.parent.mkdir()
        build_warehouse(db, 250, seed=seed, workers=workers, chunk=60, batch_size=100, paragraphs=small_pool,
                        now=now, log=lambda line: None)
        contents.append(_contents(db))
    one, two, other_seed = contents
    assert len(one["documents"]) == 250 and len(one["fetch_log"]) > 250
    assert one == two   # five chunks built here, then by two processes: every row the same
    assert other_seed["documents"] != one["documents"]


def test_sampled_articles_are_distinct_paragraphs_of_one_language(small_pool):
    import numpy as np

    languages = small_pool.languages_drawn(np.random.default_rng(1), 500)
    sample = small_pool.sample(np.random.default_rng(2), languages)
    for i, language in enumerate(languages):
        paragraphs = sample.of(i).tolist()
        assert paragraphs and len(set(paragraphs)) == len(paragraphs)
        assert {small_pool.paragraphs[p].language for p in paragraphs} == {small_pool.languages[language]}
