"""The revisit schedule's rows (``url_schedule``): what a nightly run plans, and each URL's place.

Arithmetic lives in ``core.revisit``; this module reads and writes the rows. The plan is a filter
over one row per URL, not over the fetch log: its cost grows with the URLs known, not with the
nights run (python -m benchmarks.revisit_plan).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow as pa

from core.revisit import PlanReason, UrlState, Watch, due_by, plan_reason
from warehouse.db import run_staged, sql

_UTC = pa.timestamp("us", tz="UTC")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
WATCH_SCHEMA = pa.schema([
    ("url", pa.string()), ("watched", pa.bool_()), ("state", pa.string()), ("next_check_at", _UTC),
    ("interval_days", pa.int32()), ("checks", pa.int32()), ("failures", pa.int32()),
    ("first_checked_at", _UTC), ("last_checked_at", _UTC), ("last_changed_at", _UTC), ("failing_since", _UTC),
    ("web_archive_asked", pa.bool_()), ("run_id", pa.string()),
])


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    url: str
    reason: PlanReason


def plan_checks(con: duckdb.DuckDBPyConnection, now: datetime, everything: bool = False) -> list[PlannedCheck]:
    """The watched URLs a run starting at ``now`` checks (every one with ``everything``), sorted, with why."""
    rows = con.execute(sql("plan_checks"), {"due_by": due_by(now), "everything": everything}).fetchall()
    return [PlannedCheck(url, plan_reason(UrlState(state))) for url, state in rows]


def _urls(urls: list[str]) -> pa.Table:
    return pa.table({"url": pa.array(urls, pa.string())})


def web_archive_done(con: duckdb.DuckDBPyConnection, urls: list[str]) -> set[str]:
    """Which of ``urls`` the web archive is not asked for: it answered before, or an article is stored."""
    return {row[0] for row in run_staged(con, "web_archive_done", staged_urls=_urls(urls))}


def watch_citations(con: duckdb.DuckDBPyConnection, citations: pa.Table, now: datetime) -> None:
    """Watch the URLs ``citations`` name (a ``url`` column): those never seen are due at ``now``."""
    run_staged(con, "watch_citations", {"now": now}, staged_citations=citations)


def read_watches(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, Watch]:
    rows = run_staged(con, "watches", staged_urls=_urls(urls))
    times = [i for i, column in enumerate(WATCH_SCHEMA) if column.type == _UTC]
    watches = {}
    for row in rows:
        values = dict(zip(WATCH_SCHEMA.names, row))
        values.update({WATCH_SCHEMA.names[i]: _from_epoch_us(row[i]) for i in times}, state=UrlState(row[2]))
        watches[row[0]] = Watch(**values)
    return watches


def _from_epoch_us(value: int | None) -> datetime | None:
    return None if value is None else EPOCH + timedelta(microseconds=value)


def write_watches(con: duckdb.DuckDBPyConnection, watches: list[Watch]) -> None:
    if not watches:
        return
    rows = [{name: getattr(watch, name) for name in WATCH_SCHEMA.names} for watch in watches]
    for row in rows:
        row["state"] = str(row["state"])
    run_staged(con, "replace_watches", staged_watches=pa.Table.from_pylist(rows, schema=WATCH_SCHEMA))
