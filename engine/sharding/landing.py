"""The commit step of a sharded backfill: a finished shard's output into the warehouse, exactly once.

Runs in the driver, the only process that opens the warehouse. The shard's WARC files are copied
from shared storage into the raw archive (``MEDIAMON_ARCHIVE_DIR/shards/<shard_id>/``) and made
durable first, so ``reprocess`` finds every page the fetch rows point at; then its pages are landed
in one transaction with the shard's ``landed_shards`` row (warehouse.landing).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from engine.report import RunReport
from engine.sharding.plan import Shard
from engine.sharding.storage import Manifest, ShardStorage
from warehouse import Warehouse
from warehouse.landing import ShardLanding, land_shard, landed_attempt, with_warc_folder
from warehouse.page_table import table_pages


def _copy_warcs(storage: ShardStorage, manifest: Manifest, archive_dir: Path) -> str:
    """Copy the attempt's WARC files into the archive; return their folder relative to the archive."""
    relative = f"shards/{manifest.shard_id}"
    folder = Path(archive_dir) / relative
    folder.mkdir(parents=True, exist_ok=True)
    for name in manifest.warc_files:
        local = folder / name
        storage.get_warc(manifest, name, local)
        with local.open("rb") as handle:
            os.fsync(handle.fileno())
    return relative


def land_completed(warehouse: Warehouse, storage: ShardStorage, archive_dir: Path, shard: Shard,
                   report: RunReport) -> bool:
    """Land the shard's first complete attempt, if it has one; True when the shard is (now) landed."""
    if landed_attempt(warehouse, shard.shard_id) is not None:
        return True
    manifests = storage.completed(shard.shard_id)
    if not manifests:
        return False
    manifest = manifests[0]
    started = time.monotonic()
    folder = _copy_warcs(storage, manifest, archive_dir)
    pages = with_warc_folder(table_pages(storage.read_pages(manifest)), folder)
    counts = land_shard(warehouse, ShardLanding(shard.shard_id, manifest.attempt, len(shard.urls)), pages,
                        report.run_id)
    if counts is not None:
        report.counts.add(counts)
        report.landing_seconds += time.monotonic() - started
        report.shards += 1
    return True
