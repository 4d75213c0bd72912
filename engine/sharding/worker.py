"""A shard of a sharded backfill, as a worker runs it: fetch and analyse into shared storage.

It fetches and analyses its URLs with the same engine as a single-process run, and writes the
results to shared storage instead of the database: pages as Parquet, raw responses as WARC, then
the manifest, last (engine.sharding.storage). It never opens the analyst database.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
import uuid
from pathlib import Path

from archive.writer import WarcArchive
from core.settings import Settings
from engine.batch import BatchProcessor
from engine.jobs import fetch_batches
from engine.runner import run_pipelined
from engine.sharding.pacing import ShardPacer, leased_host_slots
from engine.sharding.storage import Manifest, ShardInput, ShardStorage
from engine.sinks import ParquetSink
from extractors.links import canonical_url
from fetch import Fetcher


def _fetch_to_parquet(shard: ShardInput, settings: Settings, shares: dict[str, int], staging: Path,
                      archive: WarcArchive) -> int:
    """Fetch and analyse every URL of the shard into ``staging/pages.parquet``; return the pages written."""
    fetcher = Fetcher(settings, pacer=ShardPacer(settings.per_host_concurrency, settings.per_host_delay, shares),
                      archive=archive, canonical=canonical_url)
    batches = fetch_batches(list(shard.urls), settings.batch_size, known=shard)
    try:
        with BatchProcessor(fetcher, settings) as processor, ParquetSink(staging / "pages.parquet") as sink:
            run_pipelined(batches, processor, sink)
            return sink.written
    finally:
        fetcher.close()
        archive.close()


def run_shard(shard_id: str, storage: ShardStorage, settings: Settings, shares: dict[str, int],
              flow_run_id: str | None = None) -> Manifest:
    """One attempt at a shard, start to manifest."""
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
