"""A backfill shared by many Prefect workers: plan shards, submit them, land each one exactly once.

The driver (this flow, run by ``mediamon backfill --shards N --pool NAME``) is the only process that
opens the warehouse. It splits the URLs into shards by host, writes each shard's input to shared
storage, submits one flow run per shard to the work pool (``run_deployment``), and lands each shard
as it finishes. A shard whose run failed, crashed, or went silent (no flow-run heartbeat for
``MEDIAMON_SHARD_HEARTBEAT_TIMEOUT`` seconds: its machine died) is marked crashed and submitted again.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

from prefect import flow
from prefect.client.orchestration import get_client

from engine.inputs import read_url_file
from engine.report import RunReport
from engine import jobs
from flows.artifacts import publish_artifacts
from engine.sharding.landing import land_completed
from engine.sharding.pacing import ensure_host_limits, slot_share
from engine.sharding.plan import Shard, ShardPlan, plan_shards
from engine.sharding.storage import ShardInput, ShardStorage, storage_url
from flows.shards import SHARD_FLOW
from core.settings import Settings, load_settings
from core.errors import ShardsIncomplete, WarehouseError
from warehouse import Warehouse

log = logging.getLogger("mediamon")
ROOT = Path(__file__).resolve().parent.parent
HEARTBEAT_SECONDS = 30  # flow-run heartbeats of shard runs (Prefect's minimum)
POLL_SECONDS = 1.0
_DONE = {"COMPLETED"}
_DEAD = {"FAILED", "CRASHED", "CANCELLED", "CANCELLING"}


@dataclass(slots=True)
class Submission:
    shard: Shard
    flow_run_id: UUID
    count: int       # how many times the shard has been submitted
    since: float     # monotonic time of the last submission


def ensure_deployment(client, pool: str) -> str:
    """The shard deployment on ``pool`` (``mediamon-backfill-shard/<pool>``); created from this checkout
    when absent, so a ``prefect deploy`` of deploy/prefect.yaml (a Docker pool, another path) wins."""
    from prefect.exceptions import ObjectNotFound

    name = f"{SHARD_FLOW}/{pool}"
    try:
        client.read_work_pool(pool)
    except ObjectNotFound:
        raise WarehouseError(f"no work pool {pool!r} on the Prefect server: create it with "
                             f"`prefect work-pool create {pool} --type process`") from None
    try:
        client.read_deployment_by_name(name)
    except ObjectNotFound:
        client.create_deployment(
            flow_id=client.create_flow_from_name(SHARD_FLOW), name=pool, work_pool_name=pool,
            entrypoint="flows/shards.py:backfill_shard", path=str(ROOT),
            pull_steps=[{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}],
            job_variables={"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(HEARTBEAT_SECONDS)}},
            description="One shard of a sharded backfill (submitted by `mediamon backfill --shards`).")
    return name


def _submit(deployment: str, shard: Shard, parameters, count: int) -> Submission:
    from prefect.deployments import run_deployment

    run = run_deployment(deployment, parameters=parameters(shard), timeout=0,
                         as_subflow=False, idempotency_key=f"{shard.shard_id}:{count}",
                         flow_run_name=f"{shard.shard_id}-try{count}", tags=["mediamon-shard"])
    return Submission(shard, run.id, count, time.monotonic())


def _heartbeats_since(client, run_ids: list[UUID], since: datetime) -> dict[UUID, datetime]:
    """The last heartbeat of each of ``run_ids`` since ``since`` (runs with none are absent)."""
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter

    page = client.read_events(EventFilter(
        occurred=EventOccurredFilter(since=since), event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
        resource=EventResourceFilter(id=[f"prefect.flow-run.{run_id}" for run_id in run_ids])), limit=50)
    latest: dict[UUID, datetime] = {}
    while page is not None:
        for event in page.events:
            run_id = UUID(event.resource.id.removeprefix("prefect.flow-run."))
            latest[run_id] = max(event.occurred, latest.get(run_id, event.occurred))
        page = client.read_events_page(page.next_page) if page.next_page else None
    return latest


def silent_runs(client, runs: dict, timeout: float) -> set[UUID]:
    """Runs RUNNING or PENDING whose last heartbeat (or start) is more than ``timeout`` seconds old."""
    alive = [run_id for run_id, run in runs.items() if run.state and run.state.type.value in ("RUNNING", "PENDING")]
    if not alive:
        return set()
    now = datetime.now(timezone.utc)
    beats = _heartbeats_since(client, alive, now - timedelta(seconds=timeout))
    silent = set()
    for run_id in alive:
        run = runs[run_id]
        seen = [t for t in (beats.get(run_id), run.start_time, run.state.timestamp) if t is not None]
        if (now - max(seen)).total_seconds() > timeout:
            silent.add(run_id)
    return silent


def _mark_crashed(client, run_id: UUID, seconds: float) -> None:
    from prefect.states import Crashed

    client.set_flow_run_state(run_id, Crashed(message=f"no heartbeat for {seconds:.0f}s: presumed dead"), force=True)


def _parameters(plan: ShardPlan, storage: ShardStorage, settings: Settings):
    """The shard flow's parameters for one shard: politeness is the driver's, the same for every worker."""
    def for_shard(shard: Shard) -> dict:
        shares = {host: slot_share(settings.per_host_concurrency, plan.split_hosts[host])
                  for host in sorted(shard.hosts()) if host in plan.split_hosts}
        return {"shard_id": shard.shard_id, "storage": storage.url, "shares": shares,
                "per_host_concurrency": settings.per_host_concurrency, "per_host_delay": settings.per_host_delay}
    return for_shard


def drive(warehouse: Warehouse, report: RunReport, plan: ShardPlan, storage: ShardStorage, settings: Settings,
          deployment: str) -> None:
    """Submit every shard, land each as it completes, re-submit those that failed or went silent."""
    parameters = _parameters(plan, storage, settings)
    pending = {s.flow_run_id: s for s in (_submit(deployment, shard, parameters, 1) for shard in plan.shards)}
    failed: list[str] = []
    with get_client(sync_client=True) as client:
        while pending:
            from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

            runs = {run.id: run for run in client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(pending))), limit=len(pending))}
            silent = silent_runs(client, runs, settings.shard_heartbeat_timeout)
            for run_id, submission in list(pending.items()):
                state = runs[run_id].state.type.value if run_id in runs and runs[run_id].state else "SCHEDULED"
                ended = state in _DONE or state in _DEAD or run_id in silent
                if ended and land_completed(warehouse, storage, settings.archive_path, submission.shard, report):
                    del pending[run_id]  # a crash after the manifest was written still leaves a complete shard
                    continue
                if ended:
                    if run_id in silent:
                        _mark_crashed(client, run_id, settings.shard_heartbeat_timeout)
                    del pending[run_id]
                    if submission.count >= settings.shard_attempts:
                        failed.append(submission.shard.shard_id)
                        continue
                    log.warning("shard %s ended %s; submitting it again", submission.shard.shard_id,
                                "silent" if run_id in silent else state)
                    again = _submit(deployment, submission.shard, parameters, submission.count + 1)
                    pending[again.flow_run_id] = again
            if pending:
                time.sleep(POLL_SECONDS)
    if failed:
        raise ShardsIncomplete(f"{len(failed)} of {len(plan.shards)} shards could not be completed "
                               f"({', '.join(sorted(failed)[:5])}); every other shard is landed: "
                               f"run the same backfill again to finish")


@flow(name="mediamon-backfill-sharded")
def backfill_sharded(urls_file: str, shards: int, pool: str, db_path: str | None = None, refetch: bool = False,
                     storage: str | None = None) -> RunReport:
    """A URL backfill split into ``shards`` flow runs on the work pool ``pool``; results landed here."""
    settings = load_settings(db_path=Path(db_path) if db_path else None, shard_storage=storage)
    lines = read_url_file(Path(urls_file))
    shared = ShardStorage(storage_url(settings.shard_storage))

    def work(warehouse: Warehouse, report: RunReport) -> None:
        urls = jobs.plan_url_file(warehouse, lines, refetch, report)
        plan = plan_shards(urls, shards, f"{report.run_id[:12]}")
        for shard in plan.shards:
            shared.write_input(ShardInput(shard.shard_id, shard.urls, warehouse.validators_for(list(shard.urls)),
                                          warehouse.citation_dates(list(shard.urls))))
        ensure_host_limits(list(plan.split_hosts), settings.per_host_concurrency, settings.per_host_delay)
        with get_client(sync_client=True) as client:
            deployment = ensure_deployment(client, pool)
        log.info("%d URLs in %d shards on pool %s (split hosts: %s)", len(urls), len(plan.shards), pool,
                 plan.split_hosts or "none")
        drive(warehouse, report, plan, shared, settings, deployment)

    report = jobs.run_recorded("backfill-sharded", settings, work)
    publish_artifacts(report)
    return report
