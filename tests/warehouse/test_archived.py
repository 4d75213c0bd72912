"""The archive's columns and reads: seed dates, citation dates, and views that only ever grow."""
from dataclasses import replace
from datetime import date, datetime, timezone

import duckdb

from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from core.records import Language
from core.settings import Settings
from engine.jobs import open_warehouse
from warehouse import Warehouse
from warehouse.db import migrate, migrations, views

EN = Language("en", 0.99, "test")


def columns(con, view):
    return [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]


# every column of every view as schema v8 (the last release before views.sql) showed them, in order
RELEASED_VIEW_COLUMNS = {
    "articles": ["doc_id", "url", "final_url", "host", "fetched_at", "via", "title", "author", "published_at", "text",
                 "word_count", "language", "language_score", "content_sha256", "duplicate_of", "duplicate_kind",
                 "similarity", "containment", "sitename", "language_method", "extractor", "fetch_id", "run_id",
                 "langdetect_language", "langdetect_score", "langid_language", "langid_score", "declared_language",
                 "cluster_id", "cluster_size", "cross_lingual_of", "cross_lingual_score", "snapshot_at", "archive_url",
                 "warc_file", "warc_offset", "payload_digest"],
    "citations": ["seed_id", "url_as_cited", "url", "position"],
    "duplicate_clusters": ["cluster_id", "size", "seeds", "articles", "representative", "members", "languages", "hosts",
                           "first_seen", "last_seen", "cross_lingual_candidates"],
    "duplicates": ["doc_id", "duplicate_of", "kind", "similarity", "containment", "detected_at", "run_id", "evidence"],
    "fetches": ["fetch_id", "url", "attempted_at", "outcome", "http_status", "final_url", "bytes", "elapsed_ms", "error",
                "via", "run_id", "content_type", "redirects", "etag", "last_modified", "warc_file", "warc_offset",
                "payload_digest", "snapshot_at", "archive_url"],
    "runs": ["run_id", "flow", "started_at", "finished_at", "status", "urls_planned", "fetched_ok", "failed",
             "new_articles", "duplicates", "new_seeds", "outcomes", "languages", "error"],
    "seeds": ["seed_id", "source_path", "title", "text", "language", "language_score", "ingested_at", "content_sha256",
              "language_method", "langdetect_language", "langdetect_score", "langid_language", "langid_score",
              "declared_language", "published_at", "published_at_source"],
}


def test_views_keep_every_released_column_in_order_and_only_append_new_ones():
    con = duckdb.connect()
    migrate(con)
    for view, released in RELEASED_VIEW_COLUMNS.items():
        assert columns(con, view)[: len(released)] == released, view


def test_views_sql_is_the_only_place_a_view_is_defined():
    assert not [name for _, name, statements in migrations() if " VIEW " in statements]
    assert views().count("CREATE OR REPLACE VIEW") >= len(RELEASED_VIEW_COLUMNS)


def store(warehouse, *texts):
    run = warehouse.start_run("test")
    seeds = [parse_seed(text, f"s{n}.txt") for n, text in enumerate(texts)]
    warehouse.store_seeds([(s, EN, fingerprint(s.text)) for s in seeds], run)
    return seeds


def test_a_seed_is_dated_by_its_text_else_by_its_ingestion(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        dated, undated = store(warehouse, "Appeal\nBaku, 22 May 2020 — cites http://a.example/1",
                               "No date here, cites http://a.example/1 and http://b.example/2")
        rows = dict(((s, (p, src)) for s, p, src in warehouse.con.execute(
            "SELECT seed_id, published_at, published_at_source FROM seeds").fetchall()))
        today = datetime.now(timezone.utc).date()
        assert rows == {dated.seed_id: (date(2020, 5, 22), "text"), undated.seed_id: (today, "ingested_at")}
        # a URL takes the earliest date of the seeds citing it
        assert warehouse.citation_dates(["http://a.example/1", "http://b.example/2", "http://c.example/"]) == {
            "http://a.example/1": date(2020, 5, 22), "http://b.example/2": today}


def test_seeds_stored_before_004_get_their_date_after_the_upgrade(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse.open(path) as warehouse:
        [seed] = store(warehouse, " date 2020-09-28 On September 27, 2020, the attack began.")
        warehouse.con.execute("UPDATE seed_docs SET published_at = NULL")  # as a v3 database has it
        warehouse.con.execute("DELETE FROM pending_backfills")  # as 009 leaves it
        warehouse.con.execute("INSERT INTO pending_backfills VALUES ('seed_dates')")
    with open_warehouse(replace(Settings(), db_path=path)) as warehouse:
        assert warehouse.con.execute("SELECT published_at, published_at_source FROM seeds").fetchall() == [
            (date(2020, 9, 28), "text")]
