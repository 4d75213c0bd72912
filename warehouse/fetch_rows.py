"""The row layout of a fetch attempt, declared once: ``FetchResult``'s fields, as Arrow columns.

The fetch log's inserts (``insert_fetches.sql`` inserts by name), a shard's Parquet pages
(``warehouse.page_table``) and reprocess's reads of archived fetches (``archived_pages.sql``) all
take their columns from here, so a field added to ``FetchResult`` is added in one place.
"""
from __future__ import annotations

import dataclasses

import pyarrow as pa

from core.records import FetchResult, Outcome

_UTC = pa.timestamp("us", tz="UTC")
_TYPES = {
    "url": pa.string(), "attempted_at": _UTC, "outcome": pa.string(), "http_status": pa.int32(),
    "final_url": pa.string(), "redirects": pa.list_(pa.string()), "content_type": pa.string(), "bytes": pa.int64(),
    "elapsed_ms": pa.int64(), "error": pa.string(), "etag": pa.string(), "last_modified": pa.string(),
    "via": pa.string(), "warc_file": pa.string(), "warc_offset": pa.int64(), "payload_digest": pa.string(),
    "snapshot_at": _UTC, "archive_url": pa.string(), "fetch_id": pa.string(),
}
# every field but the body (the raw archive keeps the bytes), in FetchResult's order
FETCH_FIELDS = tuple(f.name for f in dataclasses.fields(FetchResult) if f.name != "body")
FETCH_STRUCT = pa.struct([(name, _TYPES[name]) for name in FETCH_FIELDS])
# a fetch_log row: the fetch and the run that made it
FETCH_LOG_SCHEMA = pa.schema([*FETCH_STRUCT, ("run_id", pa.string())])


def fetch_row(fetch: FetchResult) -> dict:
    """The fetch as a row of FETCH_STRUCT's columns."""
    row = {name: getattr(fetch, name) for name in FETCH_FIELDS}
    row["outcome"] = str(fetch.outcome)
    row["redirects"] = list(fetch.redirects)
    return row


def fetch_from_row(row: dict) -> FetchResult:
    """The fetch a row of FETCH_STRUCT's columns holds (without its body)."""
    return FetchResult(**{**row, "outcome": Outcome(row["outcome"]), "redirects": tuple(row["redirects"] or ())})


def fetch_log_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=FETCH_LOG_SCHEMA)


def select_list(prefix: str = "") -> str:
    """FETCH_FIELDS as a SQL select list (``prefix`` names a table alias)."""
    return ", ".join(f"{prefix}{name}" for name in FETCH_FIELDS)
