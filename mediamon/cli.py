"""The ``mediamon`` command line."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from mediamon.settings import SettingsError, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="mediamon: seed articles -> cited links -> fetch -> extract -> language -> dedupe -> DuckDB.")
err = Console(stderr=True)
out = Console()
if not out.is_terminal:  # piped or captured: do not squeeze tables into 80 columns
    out = Console(width=120)

DbOption = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default $MEDIAMON_DB, else ./mediamon.duckdb)")]


def _quiet_prefect() -> None:
    """Prefect runs in its local ephemeral mode, with telemetry off and only warnings on the console."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def fail(message: str, code: int) -> None:
    err.print(f"mediamon: error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _settings(**overrides):
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        fail(str(exc), 2)


def _check_database(settings) -> None:
    """Open (and migrate) the database once before any work, so a bad path fails fast and plainly."""
    from warehouse import Warehouse, WarehouseError

    try:
        Warehouse.open(settings.db_path).close()
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)


def _execute(flow_call) -> None:
    from flows.inputs import InputError
    from mediamon.summary import print_summary
    from warehouse import WarehouseError

    try:
        report = flow_call()
    except (InputError, WarehouseError) as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; every batch committed before the interruption is kept", 130)
    print_summary(out, report)


@app.command()
def run(
    seeds: Annotated[Optional[Path], typer.Option("--seeds", help="seeds folder (default $MEDIAMON_SEEDS, else the bundled seeds)")] = None,
    db: DbOption = None,
) -> None:
    """One nightly pass: ingest the seeds, fetch every URL they cite, extract, dedupe, store."""
    from flows.inputs import InputError, read_seeds

    settings = _settings(seeds_dir=seeds, db_path=db)
    try:
        read_seeds(settings.seeds_dir)
    except InputError as exc:
        fail(str(exc), exc.exit_code)
    _check_database(settings)
    _quiet_prefect()
    from flows.runs import nightly_run

    _execute(lambda: nightly_run(seeds_dir=str(settings.seeds_dir), db_path=str(settings.db_path)))


@app.command()
def backfill(
    urls: Annotated[Optional[Path], typer.Option("--urls", help="file of URLs, one a line (# comments allowed)")] = None,
    refetch: Annotated[bool, typer.Option("--refetch", help="fetch URLs that already have a stored article too")] = False,
    db: DbOption = None,
) -> None:
    """Ad-hoc ingestion of a batch of URLs, with a progress bar."""
    from flows.inputs import InputError, read_url_file

    if urls is None:
        fail("backfill needs --urls FILE", 2)
    settings = _settings(db_path=db)
    try:
        read_url_file(urls)
    except InputError as exc:
        fail(str(exc), exc.exit_code)
    _check_database(settings)
    _quiet_prefect()
    from flows.runs import backfill_urls

    _execute(lambda: backfill_urls(urls_file=str(urls), db_path=str(settings.db_path), refetch=refetch))


def _snapshot(db: Optional[Path]):
    """A read-only session on the published analyst database (never blocks a running writer)."""
    from warehouse.db import WarehouseError, open_snapshot

    settings = _settings(db_path=db)
    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: run `mediamon run` first", 2)
    try:
        return open_snapshot(settings.db_path)
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)


@app.command()
def status(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many runs")] = 10,
) -> None:
    """What the last runs did, in a table."""
    from mediamon.summary import print_runs
    from warehouse.db import sql

    with _snapshot(db) as con:
        rows = con.execute(sql("recent_runs"), {"limit": limit}).fetchall()
    print_runs(out, rows)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="words to look for (any language; case is ignored)")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many articles")] = 20,
    show_sql: Annotated[bool, typer.Option("--sql", help="print the SQL to run it yourself, and exit")] = False,
) -> None:
    """Full-text search over stored articles (title and text), best first."""
    from mediamon.summary import print_search
    from warehouse import fts
    from warehouse.db import sql

    if show_sql:
        out.print(f"LOAD '{fts.extension_path()}';", markup=False, highlight=False, soft_wrap=True)
        out.print(sql("fts_search").replace("$query", "'" + query.replace("'", "''") + "'")
                  .replace("$limit", str(limit)), markup=False, highlight=False, soft_wrap=True)
        return
    if not query.strip():
        fail("search needs some words", 2)
    with _snapshot(db) as con:
        rows = fts.search(con, query, limit)
    print_search(out, query, rows)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("mediamon: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
