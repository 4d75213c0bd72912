"""The WARC backfill: the response records of WARC and ARC files made elsewhere, ingested as fetch attempts.

Each file is read from start to end (``archive.reader.ResponseScan``): every record that can be read
is ingested, before and after any damage, and each file's result (records read, responses
ingested, where damage starts) goes into the run's report. Damage never stops the run early: when
every file has been read and every batch committed, a run with damaged files ends ``failed`` with
one line per damaged file, and the command exits 2.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

from archive.reader import ResponseScan
from core.errors import ArchiveUnreadable
from core.records import FetchResult
from core.settings import Settings
from engine.pool import AnalysisPool, Analyser
from engine.progress import ProgressReport
from engine.report import RunReport, WarcFileResult
from engine.runner import run_pipelined
from engine.sinks import WarehouseSink
from engine.warc_source import FileDate, capture_time, captured_within, is_page, warc_fetch
from warehouse import Warehouse


class _Batches:
    """Fetch attempts in batches of ``size``; one URL twice in a batch would be two articles in one
    transaction, so a URL already in the batch starts the next one."""

    def __init__(self, size: int) -> None:
        self.size, self.batch, self.urls = size, [], set()

    def add(self, fetch: FetchResult) -> list[FetchResult] | None:
        """Add ``fetch``; the full batch it closed, if any."""
        full = None
        if len(self.batch) >= self.size or fetch.url in self.urls:
            full, self.batch, self.urls = self.batch, [], set()
        self.batch.append(fetch)
        self.urls.add(fetch.url)
        return full


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _modified(path: Path) -> FileDate:
    try:
        moment = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except OSError:
        moment = datetime.now(timezone.utc)
    return FileDate(moment, "its modification time")


def _file_fetches(path: Path, result: WarcFileResult, settings: Settings, since: date | None, until: date | None,
                  progress: ProgressReport) -> Iterator[FetchResult]:
    """The page records of ``path`` captured in [since, until] as fetch attempts; ``result`` counts them."""
    source, done, modified = path.resolve(), 0, _modified(path)
    scan = ResponseScan(path, settings.max_bytes)
    for record in scan.responses():
        progress.advance(scan.position - done)
        done = scan.position
        if not is_page(record):
            continue
        when = capture_time(record, FileDate(scan.file_date, "its warcinfo record") if scan.file_date else modified)
        if captured_within(when.moment, since, until):
            result.ingested += 1
            yield warc_fetch(record, source, settings.max_bytes, when)
    result.records, result.damage = scan.records_read, tuple(scan.damage)
    progress.advance(max(0, _size(path) - done))


def _warc_batches(paths: list[Path], results: list[WarcFileResult], settings: Settings, since: date | None,
                  until: date | None, report: RunReport, progress: ProgressReport) -> Iterator[list[FetchResult]]:
    batches = _Batches(settings.batch_size)
    for number, (path, result) in enumerate(zip(paths, results), 1):
        progress.describe(f"reading WARC file {number} of {len(paths)}: {path.name}")
        for fetch in _file_fetches(path, result, settings, since, until, progress):
            report.urls_planned += 1
            full = batches.add(fetch)
            if full:
                yield full
    if batches.batch:
        yield batches.batch


def damaged_files(results: list[WarcFileResult], report: RunReport) -> ArchiveUnreadable:
    """The run's failure when some files could not be read whole: one line per damaged file."""
    lines = tuple(result.line() for result in results if result.damage)
    summary = lines[0] if len(lines) == 1 else f"{len(lines)} of {len(results)} WARC files damaged: " + "; ".join(lines)
    return ArchiveUnreadable(summary, lines=lines, report=report)


def ingest_warc_files(warehouse: Warehouse, settings: Settings, report: RunReport, paths: list[Path],
                      since: date | None, until: date | None) -> None:
    """Every response record of ``paths`` captured in [since, until], in batches, each file to its end."""
    results = [WarcFileResult(str(path)) for path in paths]
    report.warc_files = results
    total = sum(_size(path) for path in paths)
    with AnalysisPool.for_settings(settings) as pool, \
            ProgressReport("reading WARC files", total, "bytes", settings.progress_interval) as progress:
        batches = _warc_batches(paths, results, settings, since, until, report, progress)
        run_pipelined(batches, Analyser(pool), WarehouseSink(warehouse, report), report.stop)
    if any(result.damage for result in results):
        raise damaged_files(results, report)
