"""The ``mediamon`` command line."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from mediamon.arguments import day, named_warc_files
from mediamon.cli_support import (DbOption, check_archive, check_database, err, execute, fail, out,
                                  settings_or_fail, start_prefect)
from mediamon.read_commands import search, sql, status

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="mediamon: seed articles -> cited links -> fetch -> extract -> language -> dedupe -> DuckDB.")


def _print_version(value: bool) -> None:
    if value:
        from core import __version__
        out.print(f"mediamon {__version__}", markup=False, highlight=False)
        raise typer.Exit(0)


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="print mediamon's version and exit")] = False,
) -> None:
    """mediamon: seed articles -> cited links -> fetch -> extract -> language -> dedupe -> DuckDB."""


@app.command()
def run(
    seeds: Annotated[Optional[Path], typer.Option("--seeds", help="seeds folder (default $MEDIAMON_SEEDS, else the bundled seeds)")] = None,
    db: DbOption = None,
    all_: Annotated[bool, typer.Option("--all", help="check every cited URL, not only those due a check")] = False,
) -> None:
    """One nightly pass: ingest the seeds, fetch the cited URLs due a check, extract, dedupe, store.

    A seed file that cannot be used (unreadable, not UTF-8 text, empty) is skipped with a warning."""
    from core.errors import InputError
    from engine.inputs import read_seed_folder

    settings = settings_or_fail(seeds_dir=seeds, db_path=db)
    try:
        read_seed_folder(settings.seeds_dir)  # a folder with no usable seed fails here, before Prefect starts
    except InputError as exc:
        fail(str(exc), exc.exit_code)
    check_database(settings)
    check_archive(settings)
    start_prefect(settings)
    from flows.runs import nightly_run

    execute(lambda: nightly_run(seeds_dir=str(settings.seeds_dir), db_path=str(settings.db_path), all=all_))


@app.command()
def backfill(
    urls: Annotated[Optional[Path], typer.Option("--urls", help="file of URLs, one a line (# comments allowed)")] = None,
    warc: Annotated[Optional[list[Path]], typer.Option(
        "--warc", show_default=False,
        help="WARC or ARC file made elsewhere (Common Crawl, another crawler), a folder of them, or a glob "
             "pattern ('crawl/**/*.warc.gz'); more may follow")] = None,
    more: Annotated[Optional[list[Path]], typer.Argument(
        metavar="[WARC]...", show_default=False, help="more WARC files, folders or patterns, after --warc")] = None,
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
    from core.errors import InputError
    from engine.inputs import read_url_file

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
        first, last = day("--since", since), day("--until", until)
        if first and last and first > last:
            fail(f"--since {first} is after --until {last}", 2)
        _backfill_warc(named_warc_files(warc_files), db, first, last)
        return
    if since is not None or until is not None:
        fail("--since and --until go with --warc", 2)
    if shards is None and (pool is not None or storage is not None):
        fail("--pool and --storage go with --shards", 2)
    if shards is not None and not pool:
        fail("--shards needs --pool NAME (the work pool whose workers run the shards)", 2)
    settings = settings_or_fail(db_path=db, shard_storage=storage)
    try:
        lines = read_url_file(urls)
    except InputError as exc:
        fail(str(exc), exc.exit_code)
    new_urls = check_database(settings, [line.url for line in lines if line.url])
    check_archive(settings)
    if new_urls and shards is None:
        from engine.pool import start_fork_server
        start_fork_server(settings)  # its models load while this process imports Prefect and starts the flow
    if shards is not None:
        _backfill_sharded(urls, settings, refetch, shards, pool)
        return
    start_prefect(settings)
    from flows.runs import backfill_urls

    execute(lambda: backfill_urls(urls_file=str(urls), db_path=str(settings.db_path), refetch=refetch))


def _backfill_sharded(urls: Path, settings, refetch: bool, shards: int, pool: str) -> None:
    """The sharded backfill: this process plans, submits and lands; the pool's workers fetch."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        fail("--shards needs a Prefect server: set PREFECT_API_URL (docs/operations.md: running on a cluster)", 2)
    start_prefect(settings)
    from flows.sharded import backfill_sharded

    execute(lambda: backfill_sharded(urls_file=str(urls), shards=shards, pool=pool, db_path=str(settings.db_path),
                                      refetch=refetch, storage=settings.shard_storage))


def _backfill_warc(paths: list[Path], db: Optional[Path], since: Optional[date], until: Optional[date]) -> None:
    settings = settings_or_fail(db_path=db)
    check_database(settings)
    start_prefect(settings)
    from flows.replay import backfill_warc

    execute(lambda: backfill_warc(warc_files=[str(p) for p in paths], db_path=str(settings.db_path),
                                   since=since.isoformat() if since else None,
                                   until=until.isoformat() if until else None))


@app.command()
def reprocess(
    since: Annotated[Optional[str], typer.Option("--since", help="only pages fetched (or captured) on or after this day "
                                                 "(YYYY-MM-DD, UTC)", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Re-extract, re-detect and re-dedupe from the raw archive (MEDIAMON_ARCHIVE_DIR); no network."""
    from warehouse.sessions import warehouse_found

    first = day("--since", since)
    settings = settings_or_fail(db_path=db)
    if not warehouse_found(settings.db_path):
        fail(f"no database at {settings.db_path}: nothing to reprocess", 2)
    check_database(settings)
    start_prefect(settings)
    from flows.replay import reprocess as reprocess_flow

    execute(lambda: reprocess_flow(db_path=str(settings.db_path), since=first.isoformat() if first else None))


app.command()(status)
app.command()(search)


@app.command()
def serve(
    seeds: Annotated[Optional[Path], typer.Option("--seeds", help="seeds folder of the nightly run (default $MEDIAMON_SEEDS, else the bundled seeds)")] = None,
    db: DbOption = None,
) -> None:
    """Serve the flows from this process: the nightly run on MEDIAMON_NIGHTLY_CRON, backfills and
    reprocess on demand (`prefect deployment run`). Needs a Prefect server: PREFECT_API_URL, else one
    is started here. Stop with Ctrl-C or SIGTERM."""
    from mediamon.serve_server import serve_until_stopped

    serve_until_stopped(settings_or_fail(seeds_dir=seeds, db_path=db))


app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(sql)


def _usage_error(exc: typer.TyperException) -> int:
    """A command line that does not parse (unknown command or option, bad value): one line, exit 2."""
    context = getattr(exc, "ctx", None)
    hint = f" (see `{context.command_path} --help`)" if context is not None else ""
    message = " ".join(exc.format_message().split())
    err.print(f"mediamon: error: {message}{hint}", markup=False, highlight=False, soft_wrap=True)
    return exc.exit_code


def main() -> None:
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `mediamon` alone: the help, as before
            sys.exit(2)
        sys.exit(_usage_error(exc))
    except typer.Abort:
        err.print("mediamon: error: aborted")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("mediamon: interrupted")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
