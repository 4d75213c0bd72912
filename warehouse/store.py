"""The Warehouse: batch writes inside transactions, and the reads the flows plan with."""
from __future__ import annotations

import functools
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable
from pathlib import Path

import pyarrow as pa

from core.records import FetchResult, Fingerprint, Language, Outcome, Page, Seed, Validators
from core.revisit import PlanReason, RevisitPolicy
from warehouse.archived import archived_pages, fill_seed_dates
from warehouse.db import run_staged, sql, storage_failures
from warehouse.fetch_rows import fetch_log_table, fetch_row
from warehouse.dedupe import DuplicatePair, IndexEntry, index_backlog, index_documents
from warehouse.changes import Attempt
from warehouse.key_writer import KeyWriter
from warehouse.search_writer import SearchWriter
from warehouse.sessions import Session, indexed, keys_folder, open_session, ready_keys, ready_search
from warehouse.rows import document_row, language_audit
from warehouse.revisions import Kept, checks_of, doc_id_for, review  # noqa: F401 (doc_id_for: callers import it from here)
from warehouse.schedule import PlannedCheck, plan_checks, watch_citations, web_archive_done
from warehouse.snapshot import publish
from warehouse import lake_maintenance


FETCHED = frozenset({Outcome.OK, Outcome.NOT_MODIFIED})


@dataclass(slots=True)
class BatchCounts:
    outcomes: Counter = field(default_factory=Counter)       # outcome -> attempts
    final_outcomes: Counter = field(default_factory=Counter)  # outcome -> URLs, by each URL's last attempt
    new_articles: int = 0
    duplicates: int = 0
    languages: Counter = field(default_factory=Counter)

    def add(self, other: "BatchCounts") -> None:
        self.outcomes.update(other.outcomes)
        self.final_outcomes.update(other.final_outcomes)
        self.languages.update(other.languages)
        self.new_articles += other.new_articles
        self.duplicates += other.duplicates

    @property
    def urls_fetched(self) -> int:
        return sum(n for outcome, n in self.final_outcomes.items() if outcome in FETCHED)

    @property
    def urls_failed(self) -> int:
        return sum(self.final_outcomes.values()) - self.urls_fetched


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _writes(method):
    """A Warehouse method that writes: DuckDB failing to write is one line (``storage_failures``)."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        with storage_failures(self.working):
            return method(self, *args, **kwargs)
    return guarded


class Warehouse:
    """The writer's session on the warehouse (warehouse.sessions: the lake, or a DuckDB file).

    Use as a context manager; ``publish()`` ends a stretch of writing: the lake's files compacted
    (the file storage: its working copy published onto the analyst path).
    """

    def __init__(self, session: Session, near_threshold: float = 0.7, clock: Callable[[], datetime] = _now,
                 revisit: RevisitPolicy = RevisitPolicy(), search: SearchWriter | None = None,
                 keys: KeyWriter | None = None) -> None:
        self.session, self.con = session, session.con
        self.search = search  # the full-text index, fed after each batch commit
        self.keys = keys      # the duplicate look-up index, fed after each batch commit
        self.near_threshold = near_threshold
        self.clock, self.revisit = clock, revisit  # what time it is; when URLs are checked again

    @property
    def working(self) -> Path:
        """Where the writes go: the lake folder (or the file storage's working copy)."""
        return self.session.working

    @classmethod
    def open(cls, path: Path, near_threshold: float = 0.7, memory_limit: str | None = None,
             clock: Callable[[], datetime] = _now, revisit: RevisitPolicy = RevisitPolicy(),
             storage: str | None = None) -> "Warehouse":
        """Open the writer for the warehouse ``path`` names (created on first use; a DuckDB-file
        warehouse there is converted into the lake first), its search index brought in step.

        mediamon writes only a warehouse it created, of a schema it knows. ``storage``: ``lake``
        (warehouse.lake) or ``file`` (a DuckDB file published by copy); default ``MEDIAMON_STORAGE``."""
        session, search_folder = open_session(Path(path), memory_limit, storage)
        warehouse = cls(session, near_threshold, clock, revisit)
        try:
            with storage_failures(session.working):
                warehouse.search = ready_search(session.con, search_folder)
                warehouse.keys = ready_keys(session.con, keys_folder(search_folder))
        except BaseException:
            warehouse.close()
            raise
        return warehouse

    @_writes
    def fill_pending(self, anchors_of, date_of) -> None:
        """Fill what an upgrade from an older schema left to compute in Python (migration 009): the
        anchor index of texts stored before it existed (``anchors_of``: text -> anchors) and the
        dates seeds state (``date_of``: text -> date). Each job runs once; a fresh database has none."""
        pending = {row[0] for row in self.con.execute("SELECT name FROM pending_backfills").fetchall()}
        if "anchor_index" in pending:
            index_backlog(self.con, self.keys, self.clock(), anchors_of)
        if "seed_dates" in pending:
            fill_seed_dates(self.con, date_of)
        if pending:
            self.con.execute("DELETE FROM pending_backfills")

    @_writes
    def publish(self) -> None:
        """End a stretch of writing: the lake's small files merged and old snapshots expired
        (warehouse.lake_maintenance); with the file storage, everything committed so far copied onto
        the analyst path. Analysts of the lake see each batch at its commit, without this."""
        if self.session.lake_lock is not None:
            lake_maintenance.compact(self.con)
        elif self.session.analyst is not None:
            publish(self.con, self.session.working, self.session.analyst)

    def close(self) -> None:
        if self.search is not None:
            self.search.close()
        if self.keys is not None:
            self.keys.close()
        self.session.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------------
    @_writes
    def start_run(self, flow: str) -> str:
        run_id = uuid.uuid4().hex
        self.con.execute(sql("start_run"), {"run_id": run_id, "flow": flow, "started_at": self.clock()})
        return run_id

    @_writes
    def finish_run(self, run_id: str, status: str, *, urls_planned: int, counts: BatchCounts,
                   new_seeds: int = 0, error: str | None = None, planned: Counter | None = None) -> None:
        """Record how the run ended; ``planned``: URLs planned by reason (core.revisit.PlanReason)."""
        planned = planned or Counter()
        self.con.execute(sql("finish_run"), {
            "planned_new": planned[PlanReason.NEW], "planned_revisit": planned[PlanReason.REVISIT],
            "planned_retry": planned[PlanReason.RETRY],
            "run_id": run_id, "finished_at": self.clock(), "status": status, "urls_planned": urls_planned,
            "fetched_ok": counts.urls_fetched, "failed": counts.urls_failed,
            "new_articles": counts.new_articles, "duplicates": counts.duplicates, "new_seeds": new_seeds,
            "outcomes": json.dumps(dict(sorted(counts.outcomes.items()))),
            "languages": json.dumps(dict(sorted(counts.languages.items()))), "error": error,
        })

    # -- seeds --------------------------------------------------------------------------------
    @_writes
    def unseen_seeds(self, seeds: list[Seed]) -> list[Seed]:
        """The seeds not stored yet (a seed's id follows its content), each once."""
        known = self._stored_seed_ids()
        return list({s.seed_id: s for s in seeds if s.seed_id not in known}.values())

    def _stored_seed_ids(self) -> set[str]:
        return {row[0] for row in self.con.execute("SELECT seed_id FROM seed_docs").fetchall()}

    def store_seeds(self, seeds: list[tuple[Seed, Language, Fingerprint]], run_id: str) -> int:
        """Store seeds not seen before (by content hash) with their citations; return how many were new."""
        known = self._stored_seed_ids()
        fresh = [(s, lang, fp) for s, lang, fp in seeds if s.seed_id not in known]
        fresh = list({s.seed_id: (s, lang, fp) for s, lang, fp in fresh}.values())
        if not fresh:
            return 0
        now = self.clock()
        seed_rows = pa.Table.from_pylist([{
            "seed_id": s.seed_id, "source_path": s.source_path, "title": s.title, "text": s.text,
            "content_sha256": s.content_sha256, "published_at": s.published_at, "language": lang.code,
            "language_score": lang.score,
            "language_method": lang.method, "ingested_at": now, "run_id": run_id, **language_audit(lang),
        } for s, lang, _ in fresh])
        citation_rows = pa.Table.from_pylist(
            [{"seed_id": s.seed_id, "position": c.position, "url_as_cited": c.url_as_cited, "url": c.url}
             for s, _, _ in fresh for c in s.citations],
            schema=pa.schema([("seed_id", pa.string()), ("position", pa.int32()),
                              ("url_as_cited", pa.string()), ("url", pa.string())]))

        with self.keys.batch(self.con):
            run_staged(self.con, "insert_seeds", staged_seeds=seed_rows)
            run_staged(self.con, "insert_citations", staged_citations=citation_rows)
            watch_citations(self.con, citation_rows, now)
            self._index([IndexEntry(s.seed_id, fp, lang.code) for s, lang, fp in fresh], "seed", run_id, now)
        return len(fresh)

    # -- planning reads -----------------------------------------------------------------------
    def cited_urls(self) -> list[str]:
        return [row[0] for row in self.con.execute(sql("cited_urls")).fetchall()]

    def plan_checks(self, now: datetime, everything: bool = False) -> list[PlannedCheck]:
        """The cited URLs a nightly run starting at ``now`` fetches: never checked, or due a revisit or a
        retry (every one with ``everything``), with why (warehouse.schedule)."""
        return plan_checks(self.con, now, everything)

    def web_archive_done(self, urls: list[str]) -> set[str]:
        """Which of ``urls`` are not looked up in the web archive when dead: asked once, or article stored."""
        return web_archive_done(self.con, urls)

    def _with_urls(self, urls: list[str], statement: str) -> list[tuple]:
        return run_staged(self.con, statement, staged_urls=pa.table({"url": pa.array(urls, pa.string())}))

    def validators_for(self, urls: list[str]) -> dict[str, Validators]:
        return {url: Validators(etag, modified) for url, etag, modified in self._with_urls(urls, "validators")}

    def citation_dates(self, urls: list[str]) -> dict[str, date]:
        """URL -> the earliest date among the seeds citing it (the date a seed states, else its ingestion)."""
        return dict(self._with_urls(urls, "citation_dates"))

    def archived_pages(self, since: date | None = None) -> list[FetchResult]:
        """What reprocess reads again: each URL's latest archived page, fetched on or after ``since``."""
        return archived_pages(self.con, since)

    def stored_urls(self, urls: list[str]) -> set[str]:
        return {row[0] for row in self._with_urls(urls, "stored_urls")}

    # -- batches ------------------------------------------------------------------------------
    def _index(self, entries: list[IndexEntry], kind: str, run_id: str, now: datetime) -> list[DuplicatePair]:
        """Find duplicates of ``entries`` (exact, near, cross-lingual candidates), then add them to the
        index with their pairs and clusters (warehouse.dedupe); return the exact and near pairs."""
        return index_documents(self.con, self.keys, entries, kind, run_id, now, self.near_threshold).pairs

    @_writes
    def commit_batch(self, pages: list[Page], run_id: str, also=None) -> BatchCounts:
        """Store a batch's fetch attempts, what each URL's check found (versions, events, its next
        check: warehouse.revisions) and its articles with their duplicates, in one transaction; then
        add its articles to the search index.

        ``also(con)``, when given, runs first inside the same transaction (a shard's landing record)."""
        now = self.clock()
        counts = BatchCounts()
        attempts = [_attempt(page) for page in pages]
        last_outcome = {attempt.fetch.url: str(attempt.outcome) for attempt in attempts}
        counts.outcomes.update(str(attempt.outcome) for attempt in attempts)
        fetch_rows = [{**fetch_row(a.fetch), "fetch_id": a.fetch_id, "outcome": str(a.outcome), "run_id": run_id}
                      for a in attempts if a.fetch.fetch_id is None]  # a replayed fetch (reprocess) keeps its row
        with self.keys.batch(self.con):
            if also is not None:
                also(self.con)
            run_staged(self.con, "insert_fetches", staged_fetches=fetch_log_table(fetch_rows))
            kept = review(self.con, checks_of(attempts), now, run_id, self.revisit)
            self._store_articles(kept, counts, run_id, now)
        if self.search is not None and kept:
            self.search.index_batch(self.con, [indexed(k) for k in kept])
        counts.final_outcomes.update(last_outcome.values())
        return counts

    def _store_articles(self, kept: list[Kept], counts: BatchCounts, run_id: str, now: datetime) -> None:
        """Write the articles kept; index again for duplicates only those with a new or another text
        (an unchanged text keeps its fingerprint and duplicate pairs)."""
        if not kept:
            return
        replaced = sorted(k.doc_id for k in kept if k.replaces)
        if replaced:   # a new article has no row to delete: the delete would read every stored id
            run_staged(self.con, "delete_documents", staged_replaced=pa.table({"doc_id": pa.array(replaced, pa.string())}))
        run_staged(self.con, "insert_documents",
                   staged_documents=pa.Table.from_pylist([document_row(k, run_id) for k in kept]))
        changed = [k for k in kept if k.text_changed]
        if changed:
            pairs = self._index([IndexEntry(k.doc_id, k.page.fingerprint, k.page.language.code) for k in changed],
                                "article", run_id, now)
            counts.duplicates = len({p.doc_id for p in pairs})
        counts.new_articles = len(changed)
        counts.languages.update(k.page.language.code for k in changed)


def _attempt(page: Page) -> Attempt:
    """A page as the fetch attempt the batch records: its fetches row id, and ``empty_extraction`` for
    a page fetched ok that holds no article."""
    fetch = page.fetch
    outcome = Outcome.EMPTY_EXTRACTION if fetch.outcome == Outcome.OK and page.article is None else fetch.outcome
    return Attempt(page, fetch.fetch_id or uuid.uuid4().hex, outcome)
