"""Reads for the archive's flows: which stored pages reprocess reads again, and seed dates.

Kept apart from ``store`` (the batch writer); the Warehouse exposes them as methods.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable
from datetime import date, datetime, time, timezone

import duckdb
import pyarrow as pa

from core.records import FetchResult, Outcome
from warehouse.db import run_staged, sql
from warehouse.fetch_rows import FETCH_FIELDS, fetch_from_row


def archived_pages(con: duckdb.DuckDBPyConnection, since: date | None) -> list[FetchResult]:
    """Each URL's latest archived page (ok or empty_extraction), fetched on or after ``since`` (UTC), as
    the fetch it was (``fetch_id`` set, so a replay writes no new fetches row; no body: see ``replay``)."""
    start = datetime.combine(since, time(0), timezone.utc) if since else None
    rows = con.execute(sql("archived_pages"), {"since": start}).to_arrow_table().to_pylist()
    return [fetch_from_row({name: row[name] for name in FETCH_FIELDS}) for row in rows]


def replay(fetch: FetchResult, body: bytes) -> FetchResult:
    """An archived fetch with its body read back from the archive, ready to be analysed again."""
    return replace(fetch, outcome=Outcome.OK, body=body, bytes=len(body), error=None)


def fill_seed_dates(con: duckdb.DuckDBPyConnection, date_of: Callable[[str], date | None]) -> int:
    """Give stored seeds the date their text states, where it states one (seeds stored before 004).

    ``date_of``: a seed's opening text -> the date it states (``extractors.seed_date``, passed in)."""
    found = [(seed_id, when) for seed_id, head in con.execute(sql("undated_seeds")).fetchall()
             if (when := date_of(head)) is not None]
    if found:
        run_staged(con, "set_seed_dates", staged_seed_dates=pa.table({
            "seed_id": pa.array([s for s, _ in found], pa.string()),
            "published_at": pa.array([d for _, d in found], pa.date32())}))
    return len(found)
