"""Where a job's pages go: the warehouse (one transaction a batch), or a shard's Parquet file."""
from __future__ import annotations

import time
from typing import Sized

import pyarrow.parquet as pq

from archive.writer import WarcArchive
from core.records import Page
from engine.progress import ProgressReport
from engine.report import RunReport
from warehouse import Warehouse
from warehouse.page_table import PAGE_SCHEMA, pages_table


class WarehouseSink:
    """Commits each batch in one transaction, counts it into the run's report, and publishes for
    analysts every ``publish_interval`` seconds (the search index takes each batch at its commit)."""

    def __init__(self, warehouse: Warehouse, report: RunReport, progress: ProgressReport | None = None,
                 archive: WarcArchive | None = None, publish_interval: float | None = None) -> None:
        self.warehouse, self.report, self.progress, self.archive = warehouse, report, progress, archive
        self.publish_interval = publish_interval
        self._last_publish = time.monotonic()

    def __call__(self, batch: Sized | None, pages: list[Page]) -> None:
        if self.archive is not None:
            self.archive.flush()  # the WARC records these rows point at are on disk before the commit
        self.report.counts.add(self.warehouse.commit_batch(pages, self.report.run_id))
        if self.progress is not None and batch is not None:
            self.progress.advance(len(batch))
        if self.publish_interval is not None and time.monotonic() - self._last_publish > self.publish_interval:
            self.warehouse.publish()
            self._last_publish = time.monotonic()


class ParquetSink:
    """Appends each batch's pages to one Parquet file (a shard's output); counts the pages written."""

    def __init__(self, path) -> None:
        self._writer = pq.ParquetWriter(path, PAGE_SCHEMA, compression="zstd")
        self.written = 0

    def __call__(self, batch: Sized | None, pages: list[Page]) -> None:
        self._writer.write_table(pages_table(pages))
        self.written += len(pages)

    def close(self) -> None:
        self._writer.close()

    def __enter__(self) -> "ParquetSink":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
