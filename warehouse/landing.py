"""Landing a finished shard in the warehouse exactly once, keyed by its shard id.

The shard's pages go through the same ``commit_batch`` as a single-process batch (fetch rows,
articles, dedupe against everything stored, clusters), and the ``landed_shards`` row is written in
the same transaction: a shard is either landed whole with its record or not at all, and a second
landing of the same shard id (an attempt that finished after its retry) is refused by the primary key.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

import duckdb

from core.records import Page
from warehouse.db import sql
from warehouse.store import BatchCounts, Warehouse


@dataclass(frozen=True, slots=True)
class ShardLanding:
    shard_id: str
    attempt: str
    urls: int


def landed_attempt(warehouse: Warehouse, shard_id: str) -> str | None:
    """The attempt landed for ``shard_id``, or None when the shard is not landed yet."""
    row = warehouse.con.execute(sql("landed_shard"), {"shard_id": shard_id}).fetchone()
    return row[0] if row else None


def with_warc_folder(pages: list[Page], folder: str) -> list[Page]:
    """Pages whose WARC pointers name ``folder/<file>`` inside the archive (where the committer put them)."""
    return [replace(page, fetch=replace(page.fetch, warc_file=f"{folder}/{page.fetch.warc_file}"))
            if page.fetch.warc_file else page for page in pages]


def land_shard(warehouse: Warehouse, landing: ShardLanding, pages: list[Page], run_id: str) -> BatchCounts | None:
    """Commit the shard's pages with its landing record in one transaction; None when it was landed before."""
    if landed_attempt(warehouse, landing.shard_id) is not None:
        return None

    def record(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(sql("insert_landed_shard"), {
            "shard_id": landing.shard_id, "attempt": landing.attempt, "run_id": run_id,
            "landed_at": datetime.now(timezone.utc), "urls": landing.urls, "pages": len(pages)})

    try:
        return warehouse.commit_batch(pages, run_id, also=record)
    except duckdb.ConstraintException:  # landed by another committer since the check: nothing written
        return None
