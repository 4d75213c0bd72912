"""The analysts' views read stored columns instead of whole-table joins, and show what they showed.

``articles`` reads each document's cluster size (doc_clusters.cluster_size) and where its bytes lie
(documents' fetch columns); ``duplicate_clusters`` picks the clusters it shows before joining their
members. The definitions they replaced are kept here, inline, as the reference: on a warehouse built
through the normal write path (clusters that merge and split, seeds, cross-lingual candidates, a
re-fetched article, a web-archive fetch, a reprocessed page) both give the same rows.
"""
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from core.records import FetchResult, Language, Outcome, Page
from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from testkit.schema_at import database_at
from tests.warehouse.test_store import page, text_of
from warehouse import Warehouse
from warehouse.archived import replay
from warehouse.db import open_snapshot
from warehouse.store import doc_id_for

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "dedupe" / "heldout"
T0 = datetime(2026, 5, 1, 8, tzinfo=timezone.utc)

# the articles view as it was: the cluster sizes counted and fetch_log joined at every query
OLD_ARTICLES = """
WITH best_pair AS (
    SELECT doc_id, duplicate_of, kind, similarity, containment
    FROM duplicate_pairs
    QUALIFY row_number() OVER (
        PARTITION BY doc_id ORDER BY (kind = 'exact') DESC, greatest(similarity, containment) DESC, duplicate_of) = 1
), best_cross AS (
    SELECT doc_id, duplicate_of, score
    FROM cross_lingual_pairs
    QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY score DESC, duplicate_of) = 1
), cluster_sizes AS (
    SELECT cluster_id, count(*) AS cluster_size FROM doc_clusters GROUP BY cluster_id
)
SELECT d.doc_id, d.url, d.final_url, d.host, d.fetched_at, d.via, d.title, d.author, d.published_at,
       d.text, d.word_count, d.language, d.language_score, d.content_sha256,
       b.duplicate_of, b.kind AS duplicate_kind, b.similarity, b.containment,
       d.sitename, d.language_method, d.extractor, d.fetch_id, d.run_id,
       d.langdetect_language, d.langdetect_score, d.langid_language, d.langid_score, d.declared_language,
       c.cluster_id, coalesce(s.cluster_size, 1) AS cluster_size,
       x.duplicate_of AS cross_lingual_of, x.score AS cross_lingual_score,
       f.snapshot_at, f.archive_url, f.warc_file, f.warc_offset, f.payload_digest,
       coalesce(w.state, 'live') AS status, d.version, w.next_check_at, w.last_checked_at
FROM documents d
LEFT JOIN best_pair b USING (doc_id)
LEFT JOIN best_cross x USING (doc_id)
LEFT JOIN doc_clusters c USING (doc_id)
LEFT JOIN cluster_sizes s USING (cluster_id)
LEFT JOIN fetch_log f ON f.fetch_id = d.fetch_id
LEFT JOIN url_schedule w ON w.url = d.url
"""

# duplicate_clusters as it was: every document's cluster aggregated, then the shown ones kept
OLD_DUPLICATE_CLUSTERS = """
WITH members AS (
    SELECT c.cluster_id, c.doc_id, f.kind, f.first_seen, coalesce(d.language, s.language) AS language, d.host
    FROM doc_clusters c
    JOIN fingerprints f USING (doc_id)
    LEFT JOIN documents d USING (doc_id)
    LEFT JOIN seed_docs s ON s.seed_id = c.doc_id
), crossing AS (
    SELECT m.cluster_id, count(DISTINCT x.other) AS cross_lingual_candidates
    FROM (SELECT doc_id, duplicate_of AS other FROM cross_lingual_pairs
          UNION ALL SELECT duplicate_of, doc_id FROM cross_lingual_pairs) x
    JOIN doc_clusters m ON m.doc_id = x.doc_id
    GROUP BY m.cluster_id
)
SELECT g.cluster_id, g.size, g.seeds, g.articles, g.cluster_id AS representative, g.members, g.languages,
       g.hosts, g.first_seen, g.last_seen, coalesce(x.cross_lingual_candidates, 0) AS cross_lingual_candidates
FROM (
    SELECT cluster_id, count(*) AS size, count(*) FILTER (WHERE kind = 'seed') AS seeds,
           count(*) FILTER (WHERE kind = 'article') AS articles,
           list(doc_id ORDER BY kind <> 'seed', first_seen, doc_id) AS members,
           list(DISTINCT language ORDER BY language) FILTER (WHERE language IS NOT NULL) AS languages,
           count(DISTINCT host) AS hosts, min(first_seen) AS first_seen, max(first_seen) AS last_seen
    FROM members
    GROUP BY cluster_id
) g
LEFT JOIN crossing x USING (cluster_id)
WHERE g.size > 1 OR x.cross_lingual_candidates > 0
"""

STORED_SIZES_WRONG = """
SELECT c.doc_id, c.cluster_size, s.size
FROM doc_clusters c JOIN (SELECT cluster_id, count(*) AS size FROM doc_clusters GROUP BY ALL) s USING (cluster_id)
WHERE c.cluster_size IS DISTINCT FROM s.size
"""


def same_rows(con, view: str, reference: str) -> list:
    """The view's rows, asserted equal to the reference definition's (columns by position)."""
    got = con.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()
    assert got == con.execute(f"SELECT * FROM ({reference}) ORDER BY ALL").fetchall()
    return got


def at(url: str, text: str, when: datetime, **fetch) -> Page:
    """A live page fetched ``when``, archived at a WARC place, with ``fetch`` overriding its fetch."""
    made = page(url, text)
    return replace(made, fetch=replace(made.fetch, attempted_at=when, warc_file=f"mediamon-{when:%Y%m%d}.warc.gz",
                                       warc_offset=len(url) * 1000 + when.hour, payload_digest=f"sha1:{url}{when:%H}",
                                       **fetch))


def labelled(made: Page, code: str) -> Page:
    return replace(made, language=Language(code, 0.99, "test"))


def test_articles_and_duplicate_clusters_show_what_their_old_definitions_showed(tmp_path):
    x, y = text_of(1, 300), text_of(2, 300)
    ru, tr = (HELDOUT / "appeal_ru.txt").read_text("utf-8"), (HELDOUT / "appeal_tr.txt").read_text("utf-8")
    seed = parse_seed(x, "x.txt")
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.store_seeds([(seed, Language("en", 1.0, "t"), fingerprint(x))], run)
        warehouse.commit_batch([at("http://a.example/x", x + " reprinted", T0), at("http://a.example/y", y, T0),
                                at("http://b.example/y", y.upper(), T0), at("http://c.example/both", text_of(5), T0),
                                labelled(at("http://ru.example/a", ru, T0), "ru"),
                                labelled(at("http://tr.example/a", tr, T0), "tr")], run)
        checks = [(warehouse.con.execute("SELECT count(*) FROM duplicate_clusters").fetchone()[0])]
        later = T0 + timedelta(days=1)
        warehouse.commit_batch([at("http://c.example/both", x + " " + y, later),    # re-fetched: merges two clusters
                                page("http://gone.example/a", None, Outcome.HTTP_ERROR),
                                at("http://gone.example/a", text_of(7), later, via="web_archive",
                                   snapshot_at=T0 - timedelta(days=300),
                                   archive_url="http://archive.example/web/2025id_/http://gone.example/a")], run)
        checks.append(warehouse.con.execute("SELECT count(*) FROM duplicate_clusters").fetchone()[0])
        assert warehouse.con.execute(STORED_SIZES_WRONG).fetchall() == []
        warehouse.commit_batch([at("http://c.example/both", text_of(3, 300), later + timedelta(days=1))], run)  # splits
        [stored] = [f for f in warehouse.archived_pages() if f.url == "http://a.example/y"]
        body_page = page("http://a.example/y", y.replace("karabakh", "karabagh"))
        warehouse.commit_batch([replace(body_page, fetch=replay(stored, b"<html/>"))], run)  # reprocessed
        warehouse.publish()
    with open_snapshot(tmp_path / "w.duckdb") as con:
        assert con.execute(STORED_SIZES_WRONG).fetchall() == []
        articles = same_rows(con, "articles", OLD_ARTICLES)
        shown = same_rows(con, "duplicate_clusters", OLD_DUPLICATE_CLUSTERS)
        by_url = {row[1]: row for row in con.execute(
            "SELECT doc_id, url, cluster_size, via, snapshot_at, archive_url, warc_file, fetch_id FROM articles").fetchall()}
        fetches = {row[0]: row for row in con.execute("SELECT fetch_id, url, attempted_at FROM fetches").fetchall()}
    # what was built is what the test means to compare on
    assert len(articles) == 7 and checks == [4, 3]
    y_id = min(doc_id_for("http://a.example/y"), doc_id_for("http://b.example/y"))   # one batch: the lowest id
    assert {row[0]: row[1] for row in shown} == {seed.seed_id: 2, y_id: 2,
                                                 doc_id_for("http://ru.example/a"): 1, doc_id_for("http://tr.example/a"): 1}
    assert by_url["http://a.example/y"][2] == 2 and by_url["http://c.example/both"][2] == 1
    assert fetches[by_url["http://c.example/both"][7]][2] == later + timedelta(days=1)   # the latest fetch's row
    assert by_url["http://a.example/y"][7] == stored.fetch_id                            # a replay keeps its row
    gone = by_url["http://gone.example/a"]
    assert gone[3:6] == ("web_archive", T0 - timedelta(days=300), "http://archive.example/web/2025id_/http://gone.example/a")


def test_a_lake_of_schema_1_gets_the_stored_columns_filled(tmp_path):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([at("http://a.example/y", text_of(2), T0), at("http://b.example/y", text_of(2), T0),
                                at("http://c.example/z", text_of(3), T0)], run)
        warehouse.commit_batch([at("http://c.example/z", text_of(4), T0 + timedelta(days=1))], run)
        want = every_filled(warehouse.con)
        # as the lake was before schema 2: the columns absent, its history without step 2
        warehouse.con.execute("ALTER TABLE doc_clusters DROP COLUMN cluster_size")
        for column in ("snapshot_at", "archive_url", "warc_file", "warc_offset", "payload_digest"):
            warehouse.con.execute(f"ALTER TABLE documents DROP COLUMN {column}")
        warehouse.con.execute("DROP TABLE key_backlog")   # lake step 3
        warehouse.con.execute("CREATE TABLE lsh_buckets (band SMALLINT, bucket BIGINT, doc_id VARCHAR);"
                              "CREATE TABLE anchor_postings (anchor VARCHAR, doc_id VARCHAR)")   # lake step 4 drops them
        warehouse.con.execute("DELETE FROM lake_schema_version WHERE version >= 2")
    with Warehouse.open(db) as warehouse:
        assert every_filled(warehouse.con) == want
    assert sorted(size for _, size in want[0]) == [1, 2, 2]             # what the steps must fill again
    files = {doc_id: warc_file for doc_id, _, _, warc_file, *_ in want[1]}
    assert files[doc_id_for("http://c.example/z")] == f"mediamon-{T0 + timedelta(days=1):%Y%m%d}.warc.gz"  # re-fetched
    assert files[doc_id_for("http://a.example/y")] == f"mediamon-{T0:%Y%m%d}.warc.gz"


def every_filled(con) -> tuple[list, list]:
    sizes = con.execute("SELECT doc_id, cluster_size FROM doc_clusters ORDER BY ALL").fetchall()
    fetched = con.execute("SELECT doc_id, fetch_id, snapshot_at, warc_file, warc_offset, payload_digest, archive_url "
                          "FROM documents ORDER BY ALL").fetchall()
    return sizes, fetched


def _v13_rows(con) -> None:
    """A few rows as mediamon v13 stored them: a re-fetched article, a web-archive one, a cluster of two."""
    fetches = [("f1", "http://a.example/1", T0, "w1.warc.gz", 10, "sha1:A", None, None),
               ("f2", "http://a.example/1", T0 + timedelta(days=1), "w2.warc.gz", 20, "sha1:B", None, None),
               ("f3", "http://b.example/2", T0, None, None, None, T0 - timedelta(days=9), "http://archive.example/b")]
    for fetch_id, url, when, warc, offset, digest, snapshot, archive_url in fetches:
        con.execute("INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id, warc_file, warc_offset, "
                    "payload_digest, snapshot_at, archive_url) VALUES (?, ?, ?, 'ok', ?, 'r', ?, ?, ?, ?, ?)",
                    [fetch_id, url, when, "live" if archive_url is None else "web_archive", warc, offset, digest,
                     snapshot, archive_url])
    for doc_id, url, fetch_id in (("d1", "http://a.example/1", "f2"), ("d2", "http://b.example/2", "f3")):
        con.execute("INSERT INTO documents (doc_id, url, fetch_id, fetched_at, via, text, word_count, content_sha256, "
                    "extractor, run_id) VALUES (?, ?, ?, ?, 'live', 'words', 1, 'sha', 'test', 'r')",
                    [doc_id, url, fetch_id, T0])
    con.execute("INSERT INTO doc_clusters VALUES ('d1', 'd1'), ('d2', 'd1'), ('s1', 's1')")


@pytest.mark.parametrize("storage", ["file", "lake"])
def test_a_v13_file_gets_the_stored_columns_filled_as_a_file_or_converted_into_the_lake(tmp_path, storage):
    db = tmp_path / "w.duckdb"
    database_at(db, 13)
    with duckdb.connect(str(db)) as con:
        _v13_rows(con)
    with Warehouse.open(db, storage=storage) as warehouse:
        assert every_filled(warehouse.con) == (
            [("d1", 2), ("d2", 2), ("s1", 1)],
            [("d1", "f2", None, "w2.warc.gz", 20, "sha1:B", None),
             ("d2", "f3", T0 - timedelta(days=9), None, None, None, "http://archive.example/b")])
        assert warehouse.con.execute("SELECT doc_id, cluster_size, warc_file, archive_url FROM articles "
                                     "ORDER BY 1").fetchall() == [("d1", 2, "w2.warc.gz", None),
                                                                  ("d2", 2, None, "http://archive.example/b")]
