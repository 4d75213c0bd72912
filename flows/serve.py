"""`mediamon serve`: the flows served from one long-lived process, the nightly run on a cron schedule.

Prefect's ``serve()`` registers one deployment per flow and runs each flow run it is handed (by the
schedule, or by ``prefect deployment run``) in a child process. It needs a Prefect server whose
scheduler creates the cron runs: the one ``PREFECT_API_URL`` names, else a server this command
starts for itself (mediamon.serve_server).
"""
from __future__ import annotations

from core.settings import Settings
from flows.replay import backfill_warc, reprocess
from flows.runs import backfill_urls, nightly_run

NIGHTLY = "nightly"
QUERY_SECONDS = 1.0  # how often the served process asks the server for runs to start


def deployments(settings: Settings) -> list:
    """The served deployments: ``mediamon-nightly/nightly`` on the cron, the others on demand."""
    where = {"db_path": str(settings.db_path.resolve())}
    return [
        nightly_run.to_deployment(NIGHTLY, cron=settings.nightly_cron, parameters={
            **where, "seeds_dir": str(settings.seeds_dir.resolve())},
            description="One nightly pass over the seeds' citations (mediamon serve)."),
        backfill_urls.to_deployment("backfill", parameters=where,
                                    description="A URL backfill: run it with -p urls_file=PATH (mediamon serve)."),
        backfill_warc.to_deployment("backfill-warc", parameters=where,
                                    description="A WARC backfill: run it with -p warc_files='[\"PATH\"]'."),
        reprocess.to_deployment("reprocess", parameters=where,
                                description="Re-extract, re-detect and re-dedupe from the raw archive."),
    ]


def serve_flows(settings: Settings) -> None:
    """Serve the deployments until interrupted (Ctrl-C or SIGTERM stop serving; a run in progress ends
    as any interrupted run does)."""
    from prefect import serve

    # a run asked for by hand starts within a second or two, not at the next of Prefect's 10 s polls
    serve(*deployments(settings), limit=1, print_starting_message=False, query_seconds=QUERY_SECONDS)
