"""Jobs that read WARC files instead of the network: reprocess the raw archive, backfill from WARC.

``reprocess_archive`` re-extracts, re-detects and re-dedupes each URL's latest archived page from
the raw archive, with no network at all: the stored fetch rows stay, the derived rows (article,
fingerprint, duplicate pairs, clusters) are replaced batch by batch through the same commit as a
live run. ``ingest_warc_files`` ingests the response records of WARC files made elsewhere as fetch
attempts with ``via = 'warc'``. Both analyse on every core, through the same pool as a live run.

Unreadable input (a damaged WARC, a missing archive file) never stops the work early: every record
that can be read is ingested and committed, then the run ends ``failed`` with the damage named
(file and byte) and the command exits 2.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from archive.reader import ArchiveReader, WarcDamaged, iter_responses
from core.errors import ArchiveUnreadable
from core.records import FetchResult
from core.settings import Settings
from engine.batch import AnalysisPool, Analyser
from engine.progress import ProgressReport
from engine.report import RunReport
from engine.runner import run_pipelined
from engine.sinks import WarehouseSink
from engine.warc_source import captured_within, is_page, warc_fetch
from warehouse import Warehouse
from warehouse.archived import replay


def unreadable(problems: list[WarcDamaged], done: str) -> ArchiveUnreadable:
    """The run's failure when some WARC records could not be read."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more unreadable)" if len(problems) > 1 else ""
    return ArchiveUnreadable(f"{first}{more}; {done}")


def _archived_batches(planned: list[FetchResult], reader: ArchiveReader, size: int,
                      problems: list[WarcDamaged]) -> Iterator[list[FetchResult]]:
    for start in range(0, len(planned), size):
        fetches = []
        for page in planned[start : start + size]:
            try:
                record = reader.read(page.warc_file, page.warc_offset)
            except WarcDamaged as exc:
                problems.append(exc)
                continue
            if page.payload_digest and record.payload_digest != page.payload_digest:
                problems.append(WarcDamaged(Path(page.warc_file), page.warc_offset,
                                            "not the record stored there: its payload digest differs"))
                continue
            fetches.append(replay(page, record.body))
        yield fetches


def reprocess_archive(warehouse: Warehouse, settings: Settings, report: RunReport, since: date | None) -> None:
    """Each URL's latest archived page, read back from the archive and through extraction and dedupe again."""
    problems: list[WarcDamaged] = []
    planned = warehouse.archived_pages(since)
    report.urls_planned = len(planned)
    with ArchiveReader(settings.archive_path) as reader, AnalysisPool.for_settings(settings) as pool, \
            ProgressReport("reprocessing", len(planned), "pages", settings.progress_interval) as progress:
        batches = _archived_batches(planned, reader, settings.batch_size, problems)
        run_pipelined(batches, Analyser(pool), WarehouseSink(warehouse, report, progress), report.stop)
    if problems:
        raise unreadable(problems, "every other archived page was reprocessed")


def _warc_batches(paths: list[Path], settings: Settings, since: date | None, until: date | None,
                  report: RunReport, progress: ProgressReport,
                  problems: list[WarcDamaged]) -> Iterator[list[FetchResult]]:
    """The page records of ``paths`` captured in [since, until], in batches, each file up to any damage."""
    batch: list[FetchResult] = []
    urls: set[str] = set()
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
                if len(batch) >= settings.batch_size or fetch.url in urls:
                    yield batch
                    batch, urls = [], set()
                batch.append(fetch)
                urls.add(fetch.url)
                report.urls_planned += 1
        except WarcDamaged as exc:
            problems.append(exc)
        progress.advance(path.stat().st_size - read)
    if batch:
        yield batch


def ingest_warc_files(warehouse: Warehouse, settings: Settings, report: RunReport, paths: list[Path],
                      since: date | None, until: date | None) -> None:
    """Every response record of ``paths`` captured in [since, until], in batches, each file up to any damage."""
    problems: list[WarcDamaged] = []
    total = sum(path.stat().st_size for path in paths)
    with AnalysisPool.for_settings(settings) as pool, \
            ProgressReport("reading WARC files", total, "bytes", settings.progress_interval) as progress:
        batches = _warc_batches(paths, settings, since, until, report, progress, problems)
        run_pipelined(batches, Analyser(pool), WarehouseSink(warehouse, report), report.stop)
    if problems:
        raise unreadable(problems, "every record before the damage was ingested")
