"""The Prefect flows of a nightly pass over the seeds' citations and of a URL backfill.

Each flow builds the settings from its parameters and the environment, runs the job (engine.jobs)
and attaches the run's report to its flow run.
"""
from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow

from core.settings import load_settings
from engine import jobs
from engine.inputs import read_seed_folder, read_url_file
from engine.report import RunReport
from flows.artifacts import publish_artifacts

log = logging.getLogger("mediamon")


@flow(name="mediamon-nightly")
def nightly_run(seeds_dir: str | None = None, db_path: str | None = None, all: bool = False) -> RunReport:  # noqa: A002
    """One nightly pass: ingest the seeds, fetch the cited URLs that are due (never fetched, due a
    revisit or a retry; ``all``: every cited URL), extract, dedupe, store what changed."""
    settings = load_settings(seeds_dir=Path(seeds_dir) if seeds_dir else None,
                             db_path=Path(db_path) if db_path else None)
    folder = read_seed_folder(settings.seeds_dir)
    for skipped in folder.skipped:
        log.warning("%s", skipped)
    report = jobs.run_recorded("nightly", settings, lambda warehouse, report: jobs.nightly(
        warehouse, report, list(folder.seeds), settings, all, seeds_skipped=len(folder.skipped)))
    publish_artifacts(report)
    return report


@flow(name="mediamon-backfill")
def backfill_urls(urls_file: str, db_path: str | None = None, refetch: bool = False) -> RunReport:
    """Fetch the URLs of a file (one a line); already-stored URLs only with ``refetch``."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    lines = read_url_file(Path(urls_file))
    report = jobs.run_recorded("backfill", settings,
                               lambda warehouse, report: jobs.backfill(warehouse, report, lines, refetch, settings))
    publish_artifacts(report)
    return report
