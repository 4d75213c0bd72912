"""Reads for the archive's flows: which stored pages reprocess reads again, and seed dates.

Kept apart from ``store`` (the batch writer); the Warehouse exposes them as methods.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import duckdb
import pyarrow as pa

from extractors.seed_date import seed_published_at
from mediamon.records import FetchResult, Outcome
from warehouse.db import sql


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """A stored fetch whose response lies in a WARC file: enough to replay it as a FetchResult."""

    fetch_id: str
    url: str
    final_url: str | None
    attempted_at: datetime
    http_status: int | None
    content_type: str | None
    etag: str | None
    last_modified: str | None
    via: str
    redirects: tuple[str, ...]
    warc_file: str
    warc_offset: int
    payload_digest: str | None
    snapshot_at: datetime | None
    archive_url: str | None

    def replay(self, body: bytes) -> FetchResult:
        """The fetch as it was, with its archived body: ``fetch_id`` set, so no new fetches row is written."""
        return FetchResult(
            url=self.url, attempted_at=self.attempted_at, outcome=Outcome.OK, http_status=self.http_status,
            final_url=self.final_url, redirects=self.redirects, content_type=self.content_type, body=body,
            bytes=len(body), etag=self.etag, last_modified=self.last_modified, via=self.via,
            warc_file=self.warc_file, warc_offset=self.warc_offset, payload_digest=self.payload_digest,
            snapshot_at=self.snapshot_at, archive_url=self.archive_url, fetch_id=self.fetch_id)


def archived_pages(con: duckdb.DuckDBPyConnection, since: date | None) -> list[ArchivedPage]:
    """Each URL's latest archived page (ok or empty_extraction), fetched on or after ``since`` (UTC)."""
    start = datetime.combine(since, time(0), timezone.utc) if since else None
    rows = con.execute(sql("archived_pages"), {"since": start}).fetchall()
    return [ArchivedPage(*row[:9], tuple(row[9] or ()), *row[10:]) for row in rows]


def fill_seed_dates(con: duckdb.DuckDBPyConnection) -> int:
    """Give stored seeds the date their text states, where it states one (seeds stored before 004)."""
    found = [(seed_id, when) for seed_id, head in con.execute(sql("undated_seeds")).fetchall()
             if (when := seed_published_at(head)) is not None]
    if found:
        con.register("staged_seed_dates", pa.table({"seed_id": pa.array([s for s, _ in found], pa.string()),
                                                    "published_at": pa.array([d for _, d in found], pa.date32())}))
        try:
            con.execute(sql("set_seed_dates"))
        finally:
            con.unregister("staged_seed_dates")
    return len(found)
