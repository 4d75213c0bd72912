"""`mediamon serve`: the flows served from one long-lived process, the nightly run on a cron schedule.

One deployment per flow; each flow run (started by the schedule, or by ``prefect deployment run``)
executes in the serving process itself, one at a time (flows.serving: no process is started per run,
so a rerun with little to do costs what the run does). It needs a Prefect server whose scheduler
creates the cron runs: the one ``PREFECT_API_URL`` names, else a server this command starts for
itself (mediamon.serve_server).
"""
from __future__ import annotations

from typing import Callable

from prefect.client.schemas.objects import FlowRun

from core.settings import Settings
from flows.replay import backfill_warc, reprocess
from flows.runs import backfill_urls, nightly_run
from flows.serving import Served, serve_in_process

NIGHTLY = "nightly"
QUERY_SECONDS = 1.0  # how often the served process asks the server for runs to start


def deployments(settings: Settings) -> list[Served]:
    """The served deployments: ``mediamon-nightly/nightly`` on the cron, the others on demand."""
    where = {"db_path": str(settings.db_path.resolve())}
    return [
        Served(nightly_run, nightly_run.to_deployment(NIGHTLY, cron=settings.nightly_cron, parameters={
            **where, "seeds_dir": str(settings.seeds_dir.resolve())},
            description="One nightly pass over the seeds' citations (mediamon serve).")),
        Served(backfill_urls, backfill_urls.to_deployment("backfill", parameters=where, description=(
            "A URL backfill: run it with -p urls_file=PATH (mediamon serve)."))),
        Served(backfill_warc, backfill_warc.to_deployment("backfill-warc", parameters=where, description=(
            "A WARC backfill: run it with -p warc_files='[\"PATH\"]'."))),
        Served(reprocess, reprocess.to_deployment("reprocess", parameters=where, description=(
            "Re-extract, re-detect and re-dedupe from the raw archive."))),
    ]


def serve_flows(settings: Settings, on_run_end: Callable[[FlowRun], None] = lambda flow_run: None) -> None:
    """Serve the deployments until Ctrl-C or SIGTERM (a run in progress stops as any interrupted run
    does). ``on_run_end`` is told each flow run's final record."""
    # a run asked for by hand starts within a second or two, not at the next of Prefect's 10 s polls
    serve_in_process(deployments(settings), QUERY_SECONDS, on_run_end)
