"""The Prefect flows that read WARC files instead of the network: reprocess, and a WARC backfill.

The jobs themselves are ``engine.replay``; unreadable input ends the run ``failed`` after every
readable record was ingested, and the command exits 2.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from core.errors import ArchiveUnreadable, InputError
from core.settings import load_settings
from engine import jobs
from engine.replay import reprocess_archive
from engine.warc_ingest import ingest_warc_files
from engine.report import RunReport
from flows.artifacts import publish_artifacts


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@flow(name="mediamon-reprocess")
def reprocess(db_path: str | None = None, since: str | None = None) -> RunReport:
    """Re-extract, re-detect and re-dedupe from the raw archive (pages fetched on or after ``since``); no network."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    report = jobs.run_recorded("reprocess", settings, lambda warehouse, report: reprocess_archive(
        warehouse, settings, report, _day(since)))
    publish_artifacts(report)
    return report


@flow(name="mediamon-backfill-warc")
def backfill_warc(warc_files: list[str], db_path: str | None = None, since: str | None = None,
                  until: str | None = None) -> RunReport:
    """Ingest the response records of WARC and ARC files made elsewhere (captured between ``since`` and ``until``)."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    paths = [Path(name) for name in warc_files]
    for path in paths:
        if not path.is_file():
            raise InputError(f"WARC file not found: {path}")
    try:
        report = jobs.run_recorded("backfill-warc", settings, lambda warehouse, report: ingest_warc_files(
            warehouse, settings, report, paths, _day(since), _day(until)))
    except ArchiveUnreadable as damaged:
        if damaged.report is not None:
            publish_artifacts(damaged.report)  # what was read and stored, file by file, damage included
        raise
    publish_artifacts(report)
    return report
