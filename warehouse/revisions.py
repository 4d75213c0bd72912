"""A batch's checks against what is stored: earlier versions kept, events logged, the schedule moved.

Runs inside the batch's transaction (``Warehouse.commit_batch``), before its articles are written:
a batch is committed with its versions, events and schedule rows, or not at all, so a run killed
at any point loses no version and checks its uncommitted URLs again when they are next planned.
A version row is written only when a text or title is replaced: an unchanged article costs nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from core.records import Page
from core.revisit import RevisitPolicy, Watch, after_check
from warehouse.changes import Attempt, Check, Finding, Stored, judge, web_archive_answered
from warehouse.db import rows_at, run_staged
from warehouse.schedule import read_watches, write_watches

_UTC = pa.timestamp("us", tz="UTC")
# what keep_versions.sql keeps of a stored article when a new version replaces it
_VERSION_COLUMNS = ("doc_id, version, version_fetched_at, fetched_at, title, text, content_sha256, word_count, "
                    "words_added, words_removed, title_changed, version_run_id, run_id, fetch_id")
EVENT_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("url", pa.string()), ("event", pa.string()), ("seen_at", _UTC), ("run_id", pa.string()),
    ("detail", pa.string()), ("fetch_id", pa.string()), ("version", pa.int32()),
])


def doc_id_for(url: str) -> str:
    return "doc-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Kept:
    """An article to store (its documents row), with the columns of the version it is."""

    attempt: Attempt
    doc_id: str
    version: int
    version_fetched_at: datetime
    version_run_id: str
    words_added: int | None
    words_removed: int | None
    title_changed: bool | None
    text_changed: bool  # a new or another text: indexed again for duplicates
    replaces: bool = False  # a documents row for its URL is stored already (replaced by this one)

    @property
    def page(self) -> Page:
        return self.attempt.page


def checks_of(attempts: list[Attempt]) -> list[Check]:
    """One check per URL, in the batch's order: its last live attempt (a replayed page is one), and its
    last attempt at the web archive."""
    live: dict[str, Attempt] = {}
    archived: dict[str, Attempt] = {}
    for attempt in attempts:
        fetch = attempt.fetch
        if fetch.via == "web_archive" and fetch.fetch_id is None and fetch.url in live:
            archived[fetch.url] = attempt
        else:
            live[fetch.url] = attempt
    return [Check(url, attempt, archived.get(url), replay=attempt.fetch.fetch_id is not None)
            for url, attempt in live.items()]


def review(con: duckdb.DuckDBPyConnection, checks: list[Check], now: datetime, run_id: str,
           policy: RevisitPolicy) -> list[Kept]:
    """Judge each check, keep the versions it replaces, log its events and move its URL in the schedule;
    return the articles to store."""
    urls = [check.url for check in checks]
    watches = read_watches(con, urls)
    stored = _read_stored(con, urls)
    current = _current_rows(con, [stored[c.url] for c in checks if _needs_text(c, stored.get(c.url))])
    stored = _with_texts(stored, current)
    kept, events, moved = [], [], []
    for check in checks:
        prior = watches.get(check.url) or Watch(check.url)
        before = stored.get(check.url)
        finding = judge(check, before, prior.state)
        article = _kept(finding, before, run_id) if finding.keep is not None else None
        if article is not None:
            kept.append(article)
        events += _event_rows(check, finding, article, before, run_id)
        if finding.state is not None:
            moved.append(after_check(prior, finding.state, finding.changed, now, policy, run_id,
                                     web_archive_answered(check.archived)))
    superseded = [stored[k.page.fetch.url] for k in kept
                  if k.page.fetch.url in stored and k.version > stored[k.page.fetch.url].version]
    if superseded:
        run_staged(con, "keep_versions", staged_superseded=_rows_of(con, superseded, current))
    if events:
        run_staged(con, "insert_events", staged_events=pa.Table.from_pylist(events, schema=EVENT_SCHEMA))
    write_watches(con, moved)
    return kept


def _read_stored(con: duckdb.DuckDBPyConnection, urls: list[str]) -> dict[str, Stored]:
    rows = run_staged(con, "stored_articles", staged_urls=pa.table({"url": pa.array(urls, pa.string())}))
    return {row[0]: Stored(*row[1:12], row=row[12]) for row in rows}


def _needs_text(check: Check, stored: Stored | None) -> bool:
    """Whether judging ``check`` compares texts: a live article whose text differs from the stored one."""
    live = check.live
    return (stored is not None and not check.replay and live.has_article
            and live.page.content_sha256 != stored.content_sha256)


def _current_rows(con: duckdb.DuckDBPyConnection, articles: list[Stored]) -> pa.Table | None:
    """The stored rows of ``articles`` as a version keeps them (with their texts), read by rowid."""
    return rows_at(con, "documents", _VERSION_COLUMNS, [s.row for s in articles])


def _with_texts(stored: dict[str, Stored], current: pa.Table | None) -> dict[str, Stored]:
    """``stored`` with the texts the checks compare (``current``: most checks find the text unchanged)."""
    if current is None:
        return stored
    texts = dict(zip(current["doc_id"].to_pylist(), current["text"].to_pylist()))
    return {url: (replace(s, text=texts[s.doc_id]) if s.doc_id in texts else s) for url, s in stored.items()}


def _rows_of(con: duckdb.DuckDBPyConnection, articles: list[Stored], current: pa.Table | None) -> pa.Table:
    """The stored rows of ``articles``: those ``current`` holds, the others read (a changed title, a replay)."""
    held = set(current["doc_id"].to_pylist()) if current is not None else set()
    wanted = pa.array([s.doc_id for s in articles if s.doc_id in held], pa.string())
    parts = [current.filter(pc.is_in(current["doc_id"], value_set=wanted))] if len(wanted) else []
    rest = _current_rows(con, [s for s in articles if s.doc_id not in held])
    return pa.concat_tables(parts + ([rest] if rest is not None else []))


def _kept(finding: Finding, before: Stored | None, run_id: str) -> Kept:
    """The article ``finding`` keeps, as version 1, the stored version (same text and title, or a
    replay), or the version after it."""
    attempt = finding.keep
    page, fetch = attempt.page, attempt.fetch
    doc_id = doc_id_for(fetch.url)
    if before is None:
        return Kept(attempt, doc_id, 1, fetch.attempted_at, run_id, None, None, None, True)
    text_changed = page.content_sha256 != before.content_sha256
    title_changed = (page.article.title or None) != (before.title or None)
    if finding.in_place or not (text_changed or title_changed):
        return Kept(attempt, doc_id, before.version, before.version_fetched_at, before.version_run_id,
                    before.words_added, before.words_removed, before.title_changed, text_changed, True)
    added, removed = finding.words or (0, 0)
    return Kept(attempt, doc_id, before.version + 1, fetch.attempted_at, run_id, added, removed, title_changed,
                text_changed, True)


def _event_rows(check: Check, finding: Finding, article: Kept | None, before: Stored | None,
                run_id: str) -> list[dict]:
    seen = finding.keep or check.live
    version = article.version if article else (before.version if before else None)
    return [{"doc_id": doc_id_for(check.url), "url": check.url, "event": str(event),
             "seen_at": seen.fetch.attempted_at, "run_id": run_id, "detail": detail,
             "fetch_id": seen.fetch_id, "version": version}
            for event, detail in finding.events]
