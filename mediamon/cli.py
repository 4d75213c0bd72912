"""The ``mediamon`` command line."""
from __future__ import annotations

import logging
import os
import re
import sys
from datetime import date
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


class _ExpectedFailure(logging.Filter):
    """Prefect logs a failed flow or task run with its traceback; an expected failure (unreadable input,
    the warehouse or the archive unusable) is reported in one line by ``fail`` instead."""

    def __init__(self, expected: tuple[type, ...]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.expected))


def _check_archive(settings) -> None:
    """The raw archive's folder exists (or is created) and is writable, before any fetch."""
    folder = settings.archive_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write the raw archive in {folder}: {exc.strerror or exc}", 1)
    if not os.access(folder, os.W_OK | os.X_OK):
        fail(f"cannot write the raw archive in {folder}: permission denied", 1)


def _execute(flow_call) -> None:
    from flows.inputs import InputError
    from mediamon.summary import print_summary
    from warehouse import WarehouseError

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ExpectedFailure) for f in logger.filters):
            logger.addFilter(_ExpectedFailure((InputError, WarehouseError)))
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
    _check_archive(settings)
    _quiet_prefect()
    from flows.runs import nightly_run

    _execute(lambda: nightly_run(seeds_dir=str(settings.seeds_dir), db_path=str(settings.db_path)))


def _day(flag: str, value: Optional[str]) -> Optional[date]:
    """A YYYY-MM-DD option as a date; anything else is bad usage."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    fail(f"{flag} {value!r} is not a date (YYYY-MM-DD)", 2)


def _warc_files(paths: list[Path]) -> list[Path]:
    for path in paths:
        if not path.exists():
            fail(f"WARC file not found: {path}", 2)
        if not path.is_file():
            fail(f"WARC file is not a file: {path}", 2)
    return paths


@app.command()
def backfill(
    urls: Annotated[Optional[Path], typer.Option("--urls", help="file of URLs, one a line (# comments allowed)")] = None,
    warc: Annotated[Optional[list[Path]], typer.Option(
        "--warc", show_default=False,
        help="WARC file made elsewhere (Common Crawl, another crawler); more files may follow")] = None,
    more: Annotated[Optional[list[Path]], typer.Argument(
        metavar="[WARC]...", show_default=False, help="more WARC files, after --warc")] = None,
    since: Annotated[Optional[str], typer.Option(
        "--since", show_default=False, help="with --warc: captured on or after this day (YYYY-MM-DD, UTC)")] = None,
    until: Annotated[Optional[str], typer.Option(
        "--until", show_default=False, help="with --warc: captured up to this day (YYYY-MM-DD, UTC)")] = None,
    refetch: Annotated[bool, typer.Option("--refetch", help="fetch URLs that already have a stored article too")] = False,
    shards: Annotated[Optional[int], typer.Option(
        "--shards", min=1, show_default=False,
        help="with --urls: split the URLs into N shards by host, one flow run each on the work pool --pool "
             "(needs a Prefect server: PREFECT_API_URL)")] = None,
    pool: Annotated[Optional[str], typer.Option(
        "--pool", show_default=False, help="with --shards: the Prefect work pool whose workers run the shards")] = None,
    storage: Annotated[Optional[str], typer.Option(
        "--storage", show_default=False,
        help="with --shards: shared folder or fsspec URL the workers write to (default $MEDIAMON_SHARD_STORAGE, "
             "else ./shards)")] = None,
    db: DbOption = None,
) -> None:
    """Ad-hoc ingestion of a batch of URLs, or of the records of WARC files, with a progress bar."""
    from flows.inputs import InputError, read_url_file

    if more and not warc:
        fail(f"unexpected argument {str(more[0])!r}: WARC files go after --warc", 2)
    warc_files = [*(warc or []), *(more or [])]
    if urls is not None and warc_files:
        fail("backfill takes --urls FILE or --warc FILE..., not both", 2)
    if urls is None and not warc:
        fail("backfill needs --urls FILE or --warc FILE...", 2)
    if warc_files:
        if refetch:
            fail("--refetch goes with --urls", 2)
        if shards is not None:
            fail("--shards goes with --urls", 2)
        first, last = _day("--since", since), _day("--until", until)
        if first and last and first > last:
            fail(f"--since {first} is after --until {last}", 2)
        _backfill_warc(_warc_files(warc_files), db, first, last)
        return
    if since is not None or until is not None:
        fail("--since and --until go with --warc", 2)
    if shards is None and (pool is not None or storage is not None):
        fail("--pool and --storage go with --shards", 2)
    if shards is not None and not pool:
        fail("--shards needs --pool NAME (the work pool whose workers run the shards)", 2)
    settings = _settings(db_path=db, shard_storage=storage)
    try:
        read_url_file(urls)
    except InputError as exc:
        fail(str(exc), exc.exit_code)
    _check_database(settings)
    _check_archive(settings)
    _quiet_prefect()
    if shards is not None:
        _backfill_sharded(urls, settings, refetch, shards, pool)
        return
    from flows.runs import backfill_urls

    _execute(lambda: backfill_urls(urls_file=str(urls), db_path=str(settings.db_path), refetch=refetch))


def _backfill_sharded(urls: Path, settings, refetch: bool, shards: int, pool: str) -> None:
    """The sharded backfill: this process plans, submits and lands; the pool's workers fetch."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        fail("--shards needs a Prefect server: set PREFECT_API_URL (README: running on a cluster)", 2)
    from flows.sharded import backfill_sharded

    _execute(lambda: backfill_sharded(urls_file=str(urls), shards=shards, pool=pool, db_path=str(settings.db_path),
                                      refetch=refetch, storage=settings.shard_storage))


def _backfill_warc(paths: list[Path], db: Optional[Path], since: Optional[date], until: Optional[date]) -> None:
    settings = _settings(db_path=db)
    _check_database(settings)
    _quiet_prefect()
    from flows.replay import backfill_warc

    _execute(lambda: backfill_warc(warc_files=[str(p) for p in paths], db_path=str(settings.db_path),
                                   since=since.isoformat() if since else None,
                                   until=until.isoformat() if until else None))


@app.command()
def reprocess(
    since: Annotated[Optional[str], typer.Option("--since", help="only pages fetched (or captured) on or after this day "
                                                 "(YYYY-MM-DD, UTC)", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Re-extract, re-detect and re-dedupe from the raw archive (MEDIAMON_ARCHIVE_DIR); no network."""
    first = _day("--since", since)
    settings = _settings(db_path=db)
    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: nothing to reprocess", 2)
    _check_database(settings)
    _quiet_prefect()
    from flows.replay import reprocess as reprocess_flow

    _execute(lambda: reprocess_flow(db_path=str(settings.db_path), since=first.isoformat() if first else None))


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
