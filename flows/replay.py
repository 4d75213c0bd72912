"""Flows that read WARC files instead of the network: reprocess the raw archive, backfill from WARC.

``reprocess`` re-extracts, re-detects and re-dedupes each URL's latest archived page from the raw
archive, with no network at all: the stored fetch rows stay, the derived rows (article, fingerprint,
duplicate pairs, clusters) are replaced batch by batch through the same commit as a live run.
``backfill_warc`` ingests the response records of WARC files made elsewhere as fetch attempts with
``via = 'warc'``. Both are recorded as runs and published like any other (``flows.runs._run``).

Unreadable input (a damaged WARC, a missing archive file) never stops the work early: every record
that can be read is ingested and committed, then the run ends ``failed`` with the damage named
(file and byte) and the command exits 2.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Callable

from prefect import flow
from prefect.utilities.annotations import quote

from flows.inputs import InputError
from flows.pipeline import analyse
from flows.progress import ProgressReport
from flows.report import RunReport
from flows.runs import _run, commit_batch
from flows.warc_input import captured_within, is_page, warc_fetch
from mediamon.records import FetchResult, Page
from mediamon.settings import Settings, load_settings
from warehouse import Warehouse
from warehouse.warc_reader import ArchiveReader, WarcDamaged, iter_responses


class ArchiveUnreadable(InputError):
    """Some WARC records could not be read; everything readable was ingested (exit 2)."""

    def __init__(self, problems: list[WarcDamaged], done: str) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more unreadable)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}; {done}")


class Analyser:
    """``flows.pipeline.analyse`` over a batch: on worker processes, or here with one CPU worker."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        workers = settings.cpu_workers or os.cpu_count() or 1
        # spawn, not fork: the flow process runs threads (Prefect) that fork would copy mid-lock
        self._pool = (ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
                      if workers > 1 else None)

    def submit(self, fetches: list[FetchResult]) -> Callable[[], list[Page]]:
        """Start analysing ``fetches``; the returned function waits for the pages, in order."""
        if self._pool is None or len(fetches) < 2:
            pages = [analyse(fetch, self.settings) for fetch in fetches]
            return lambda: pages
        futures = [self._pool.submit(analyse, fetch, self.settings) for fetch in fetches]
        return lambda: [future.result() for future in futures]

    def __enter__(self) -> "Analyser":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class BatchCommitter:
    """Batches through the analyser and into the warehouse: a batch is analysed while the one before commits."""

    def __init__(self, analyser: Analyser, warehouse: Warehouse, report: RunReport) -> None:
        self.analyser, self.warehouse, self.report = analyser, warehouse, report
        self._pending: Callable[[], list[Page]] | None = None

    def add(self, fetches: list[FetchResult]) -> None:
        following = self.analyser.submit(fetches) if fetches else None
        self.finish()
        self._pending = following

    def finish(self) -> None:
        """Commit the batch in flight, if any."""
        if self._pending is not None:
            pages, self._pending = self._pending(), None
            self.report.counts.add(commit_batch(self.warehouse, quote(pages), self.report.run_id))


def reprocess_archive(warehouse: Warehouse, settings: Settings, report: RunReport, since: date | None) -> None:
    """Each URL's latest archived page, read back from the archive and through extraction and dedupe again."""
    planned = warehouse.archived_pages(since)
    report.urls_planned = len(planned)
    problems: list[WarcDamaged] = []
    with ArchiveReader(settings.archive_dir) as reader, Analyser(settings) as analyser, \
            ProgressReport("reprocessing", len(planned)) as progress:
        committer = BatchCommitter(analyser, warehouse, report)
        for start in range(0, len(planned), settings.batch_size):
            batch, fetches = planned[start : start + settings.batch_size], []
            for page in batch:
                try:
                    record = reader.read(page.warc_file, page.warc_offset)
                except WarcDamaged as exc:
                    problems.append(exc)
                    continue
                if page.payload_digest and record.payload_digest != page.payload_digest:
                    problems.append(WarcDamaged(Path(page.warc_file), page.warc_offset,
                                                "not the record stored there: its payload digest differs"))
                    continue
                fetches.append(page.replay(record.body))
            committer.add(fetches)
            progress.advance(len(batch))
        committer.finish()
    if problems:
        raise ArchiveUnreadable(problems, "every other archived page was reprocessed")


def ingest_warc_files(warehouse: Warehouse, settings: Settings, report: RunReport, paths: list[Path],
                      since: date | None, until: date | None) -> None:
    """Every response record of ``paths`` captured in [since, until], in batches, each file up to any damage."""
    problems: list[WarcDamaged] = []
    total = sum(path.stat().st_size for path in paths)
    with Analyser(settings) as analyser, ProgressReport("reading WARC bytes", total) as progress:
        committer, batch = BatchCommitter(analyser, warehouse, report), []

        def commit() -> None:
            if batch:
                committer.add(list(batch))
                batch.clear()

        for path in paths:
            source, read = path.resolve(), 0
            try:
                for record in iter_responses(path, max_body=settings.max_bytes):
                    progress.advance(record.offset - read)
                    read = record.offset
                    if not (is_page(record) and captured_within(record, since, until)):
                        continue
                    fetch = warc_fetch(record, source, settings.max_bytes)
                    # one URL twice in a batch would be two articles in one transaction: the later replaces
                    if len(batch) >= settings.batch_size or any(f.url == fetch.url for f in batch):
                        commit()
                    batch.append(fetch)
                    report.urls_planned += 1
            except WarcDamaged as exc:
                problems.append(exc)
            commit()
            progress.advance(path.stat().st_size - read)
        committer.finish()  # everything read, up to any damage, is committed
    if problems:
        raise ArchiveUnreadable(problems, "every record before the damage was ingested")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@flow(name="mediamon-reprocess")
def reprocess(db_path: str | None = None, since: str | None = None) -> RunReport:
    """Re-extract, re-detect and re-dedupe from the raw archive (pages fetched on or after ``since``); no network."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    return _run("reprocess", settings,
                lambda warehouse, report: reprocess_archive(warehouse, settings, report, _day(since)))


@flow(name="mediamon-backfill-warc")
def backfill_warc(warc_files: list[str], db_path: str | None = None, since: str | None = None,
                  until: str | None = None) -> RunReport:
    """Ingest the response records of WARC files made elsewhere (captured between ``since`` and ``until``)."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    paths = [Path(name) for name in warc_files]
    for path in paths:
        if not path.is_file():
            raise InputError(f"WARC file not found: {path}")
    return _run("backfill-warc", settings, lambda warehouse, report: ingest_warc_files(
        warehouse, settings, report, paths, _day(since), _day(until)))
