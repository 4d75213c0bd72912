"""Reprocess: the raw archive read back instead of the network (the WARC backfill is ``engine.warc_ingest``).

``reprocess_archive`` re-extracts, re-detects and re-dedupes each URL's latest archived page from
the raw archive, with no network at all: the stored fetch rows stay, the derived rows (article,
fingerprint, duplicate pairs, clusters) are replaced batch by batch through the same commit as a
live run, analysed on every core through the same pool as a live run. The pages a WARC backfill
stored are read back from the files they came from.

Unreadable input (a damaged WARC, a missing archive file) never stops the work early: every record
that can be read is reprocessed and committed, then the run ends ``failed`` with the damage named
(file and byte) and the command exits 2.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterator

from archive.reader import ArchiveReader, WarcDamaged
from core.errors import ArchiveUnreadable
from core.records import FetchResult
from core.settings import Settings
from engine.pool import AnalysisPool, Analyser
from engine.progress import ProgressReport
from engine.report import RunReport
from engine.runner import run_pipelined
from engine.sinks import WarehouseSink
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
