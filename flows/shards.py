"""A shard of a sharded backfill: the flow a worker runs (deployment ``mediamon-backfill-shard``).

The work is ``engine.sharding.worker.run_shard``: fetch and analyse the shard's URLs into shared
storage. It never opens the analyst database.
"""
from __future__ import annotations

from prefect import flow

from core.settings import load_settings
from engine.sharding.storage import ShardStorage
from engine.sharding.worker import run_shard

SHARD_FLOW = "mediamon-backfill-shard"


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
