"""A shard of a sharded backfill: the flow a worker runs (deployment ``mediamon-backfill-shard``).

It fetches and extracts its URLs with the same code as a single-process run (BatchProcessor), and
writes the results to shared storage instead of the database: pages as Parquet, raw responses as
WARC, then the manifest, last (flows.shard_storage). It never opens the analyst database.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
from prefect import flow
from prefect.utilities.annotations import quote

from flows.http import Fetcher
from flows.http.pacing import interleave_by_host
from flows.pipeline import BatchProcessor
from flows.runs import fetch_and_extract
from flows.shard_pacing import ShardPacer, leased_host_slots
from flows.shard_storage import Manifest, ShardInput, ShardStorage
from mediamon.settings import Settings, load_settings
from warehouse.archive import WarcArchive
from warehouse.page_table import PAGE_SCHEMA, pages_table

SHARD_FLOW = "mediamon-backfill-shard"


def _batches(urls: list[str], size: int) -> list[list[str]]:
    return [urls[start:start + size] for start in range(0, len(urls), size)]


def _fetch_to_parquet(shard: ShardInput, settings: Settings, shares: dict[str, int], staging: Path,
                      archive: WarcArchive) -> int:
    """Fetch and extract every URL of the shard into ``staging/pages.parquet``; return the pages written.

    The next batch is fetched and analysed (a task run in a thread) while the current one is written.
    """
    fetcher = Fetcher(settings, pacer=ShardPacer(settings.per_host_concurrency, settings.per_host_delay, shares),
                      archive=archive)
    written = 0
    try:
        with BatchProcessor(fetcher, settings) as processor, \
                pq.ParquetWriter(staging / "pages.parquet", PAGE_SCHEMA, compression="zstd") as writer:
            pending = None
            for batch in [*_batches(interleave_by_host(list(shard.urls)), settings.batch_size), None]:
                submitted = None
                if batch is not None:
                    submitted = fetch_and_extract.submit(
                        processor, quote(batch), quote({u: shard.validators[u] for u in batch if u in shard.validators}),
                        quote({u: shard.cited_at[u] for u in batch if u in shard.cited_at}))
                if pending is not None:
                    pages = pending.result()
                    writer.write_table(pages_table(pages))
                    written += len(pages)
                pending = submitted
    finally:
        fetcher.close()
        archive.close()
    return written


def run_shard(shard_id: str, storage: ShardStorage, settings: Settings, shares: dict[str, int],
              flow_run_id: str | None = None) -> Manifest:
    """One attempt at a shard, start to manifest (plain function: the flow below is its Prefect face)."""
    started = time.monotonic()
    shard = storage.read_input(shard_id)
    attempt = f"{flow_run_id or 'local'}-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix=f"mediamon-{shard_id}-") as folder, leased_host_slots(shares):
        staging = Path(folder)
        archive = WarcArchive(staging / "warc", settings.warc_max_bytes, prefix=shard_id)
        pages = _fetch_to_parquet(shard, settings, shares, staging, archive)
        warcs = sorted((staging / "warc").glob("*.warc.gz"))
        for warc in warcs:
            storage.put(shard_id, attempt, warc, "warc")
        storage.put(shard_id, attempt, staging / "pages.parquet")
    manifest = Manifest(shard_id, attempt, flow_run_id, len(shard.urls), pages, tuple(w.name for w in warcs),
                        round(time.monotonic() - started, 3), f"{socket.gethostname()} {os.getpid()} {os.getppid()}")
    storage.finish(manifest)
    return manifest


@flow(name=SHARD_FLOW, retries=1, retry_delay_seconds=5)
def backfill_shard(shard_id: str, storage: str, per_host_concurrency: int, per_host_delay: float,
                   shares: dict[str, int] | None = None) -> dict:
    """Fetch and extract one shard's URLs into shared storage. Politeness comes from the driver (the
    same for every worker); everything else from this worker's ``MEDIAMON_*`` environment."""
    from prefect.runtime import flow_run

    settings = load_settings().replace(per_host_concurrency=per_host_concurrency, per_host_delay=per_host_delay)
    manifest = run_shard(shard_id, ShardStorage(storage), settings, shares or {}, str(flow_run.id or "") or None)
    return {"shard_id": manifest.shard_id, "attempt": manifest.attempt, "urls": manifest.urls,
            "pages": manifest.pages, "seconds": manifest.seconds, "runner": manifest.runner}
