"""What every command shares: one-line failures, the checks made before a run, and running a flow.

Expected failures (bad input, an unusable database or archive) end with ``mediamon: error: ...`` on
one line and the documented exit status, never a traceback.
"""
from __future__ import annotations

import gc
import logging
import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from core.errors import Interrupted, MediamonError, SettingsError
from core.settings import load_settings
from flows.heartbeats import without_heartbeats

DbOption = Annotated[Optional[Path], typer.Option(
    "--db", help="the warehouse: a path such as ./mediamon.duckdb, whose data lives in the folder beside it "
    "named mediamon.lake (or that folder itself) (default $MEDIAMON_DB, else ./mediamon.duckdb)")]
err = Console(stderr=True)
out = Console()
if not out.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    out = Console(width=120)



def quiet_prefect() -> None:
    """Prefect with telemetry off and only warnings on the console (unless the environment says otherwise)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Prefect's background senders log under their class names, outside its logging settings: as the
    # process exits, "Still processing items: 3 items remaining..." would follow mediamon's last line
    for service in ("EventsWorker", "APILogWorker"):
        logging.getLogger(service).setLevel(logging.ERROR)


def start_prefect(settings) -> None:
    """Prefect quiet and answering before the flow starts (mediamon.prefect_start), or one line.

    On a terminal a status line says what is happening while the local server starts."""
    quiet_prefect()
    from mediamon.prefect_start import start_prefect as start

    def say(message: str) -> None:
        if err.is_terminal:
            err.print(f"mediamon: {message}", markup=False, highlight=False)

    try:
        start(settings.prefect_start_timeout, say)
    except MediamonError as exc:
        fail(str(exc), exc.exit_code)


def fail(message: str, code: int) -> None:
    fail_lines((message,), code)


def fail_lines(messages: tuple[str, ...], code: int) -> None:
    """Each message on a line of its own (``mediamon: error: ...``), then exit with ``code``."""
    for message in messages:
        err.print(f"mediamon: error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings_or_fail(**overrides):
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)


def check_database(settings, urls: list[str] | None = None) -> bool:
    """Open (and migrate) the database once before any work, so a bad path fails fast and plainly.

    With ``urls``: say whether any of them was never stored, i.e. whether the run will have pages to
    analyse (then the extraction workers' fork server can start at once, see ``start_fork_server``)."""
    from core.errors import WarehouseError
    from warehouse import Warehouse

    try:
        with Warehouse.open(settings.db_path, memory_limit=settings.db_memory_limit) as warehouse:
            return bool(urls) and len(warehouse.stored_urls(urls)) < len(set(urls))
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)


class _ExpectedFailure(logging.Filter):
    """Prefect logs a failed flow or task run with its traceback; an expected failure (unreadable input,
    the warehouse or the archive unusable) is reported in one line by ``fail`` instead."""

    def __init__(self, expected: tuple[type, ...]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.expected))


def leave_expected_failures_to_mediamon() -> None:
    """Prefect logs no traceback for a flow or task run that failed as expected (``MediamonError``):
    mediamon says it in one line."""
    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ExpectedFailure) for f in logger.filters):
            logger.addFilter(_ExpectedFailure((MediamonError,)))


def check_archive(settings) -> None:
    """The raw archive's folder exists (or is created) and is writable, before any fetch."""
    folder = settings.archive_path
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write the raw archive in {folder}: {exc.strerror or exc}", 1)
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"cannot write the raw archive in {folder}: permission denied", 1)


def execute(flow_call) -> None:
    import httpx

    from mediamon.summary import print_summary

    leave_expected_failures_to_mediamon()
    # what is loaded by now (Prefect, pydantic, DuckDB, ...) lives as long as the process: out of the
    # collector's sight, no collection traverses it, and exiting no longer spends ~1 s collecting it
    gc.freeze()
    try:
        with without_heartbeats():
            report = flow_call()
    except Interrupted as exc:  # not an error: the run stopped as asked, its work kept
        err.print(f"mediamon: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code)
    except MediamonError as exc:
        shown = getattr(exc, "report", None)  # what the run did before it failed (a WARC backfill's files)
        if shown is not None:
            print_summary(out, shown)
        fail_lines(getattr(exc, "lines", None) or (str(exc),), exc.exit_code)
    except httpx.HTTPError as exc:  # the Prefect server went away during the run
        fail(f"lost the Prefect server during the run ({type(exc).__name__}: {str(exc).strip()[:200]}); "
             f"what was committed before is kept", 1)
    except KeyboardInterrupt:
        fail("interrupted; every batch committed before the interruption is kept", 130)
    print_summary(out, report)
