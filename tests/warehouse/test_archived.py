"""Migration 004 and the warehouse reads of the archive work: seed dates, citation dates, views that only grow."""
from datetime import date, datetime, timezone

import duckdb

from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from mediamon.records import Language
from warehouse import Warehouse
from warehouse.db import migrations

EN = Language("en", 0.99, "test")


def columns(con, view):
    return [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]


def test_004_keeps_every_column_of_every_view_in_order_and_appends_new_ones():
    con = duckdb.connect()
    shipped = migrations()
    for _, _, statements in shipped[:3]:
        con.execute(statements)
    views = [row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    before = {view: columns(con, view) for view in views}
    con.execute(shipped[3][2])
    for view, old in before.items():
        assert columns(con, view)[: len(old)] == old, view
    assert columns(con, "fetches")[len(before["fetches"]):] == [
        "warc_file", "warc_offset", "payload_digest", "snapshot_at", "archive_url"]
    assert columns(con, "articles")[len(before["articles"]):] == [
        "snapshot_at", "archive_url", "warc_file", "warc_offset", "payload_digest"]
    assert columns(con, "seeds")[len(before["seeds"]):] == ["published_at", "published_at_source"]


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


def test_seeds_stored_before_004_get_their_date_when_the_database_opens(tmp_path):
    path = tmp_path / "w.duckdb"
    with Warehouse.open(path) as warehouse:
        [seed] = store(warehouse, " date 2020-09-28 On September 27, 2020, the attack began.")
        warehouse.con.execute("UPDATE seed_docs SET published_at = NULL")  # as a v3 database has it
    with Warehouse.open(path) as warehouse:
        assert warehouse.con.execute("SELECT published_at, published_at_source FROM seeds").fetchall() == [
            (date(2020, 9, 28), "text")]
