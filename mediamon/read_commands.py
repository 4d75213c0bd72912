"""The commands that only read the warehouse: ``status``, ``search`` and ``sql``.

They read the current snapshot and never wait for a run that writes. A DuckDB-file warehouse of an
older mediamon at the ``--db`` path is converted into the lake on this first use (one line says so).
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from core.errors import MediamonError, WarehouseError
from mediamon.cli_support import DbOption, check_database, fail, out, settings_or_fail


def _moment(con, when: str) -> datetime:
    """``--as-of``: a time (UTC unless it says), or the end of the run whose id starts with ``when``."""
    try:
        moment = datetime.fromisoformat(when.strip())
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    ended = con.execute("SELECT run_id, finished_at FROM runs WHERE starts_with(run_id, $prefix)",
                        {"prefix": when.strip().lower()}).fetchall() if when.strip() else []
    if len(ended) != 1:
        fail(f"--as-of {when!r}: " + ("no run has that id, and it is not a time (YYYY-MM-DD[THH:MM])" if not ended
                                      else f"{len(ended)} runs have ids starting so: give more of it"), 2)
    if ended[0][1] is None:
        fail(f"--as-of {when!r}: that run has not finished", 2)
    return ended[0][1]


class SearchFormat(str, Enum):
    """How ``mediamon search`` prints its hits."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _converted(settings) -> None:
    """Convert a DuckDB-file warehouse waiting at the ``--db`` path (lake storage), or one line."""
    from warehouse import lake
    from warehouse.lake_convert import waiting

    try:
        if lake.storage_from_env() == "lake" and waiting(settings.db_path):
            check_database(settings)
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)


def _lake_in_place(db_path: Path) -> bool:
    """A lake at the ``--db`` path, nothing waiting to convert: search reads its index alone, without
    the DuckDB session that would load the extensions and attach the catalog (about half a second).
    Anything else goes through ``snapshot`` for its one line."""
    from warehouse import lake

    try:
        if lake.storage_from_env() != "lake":
            return False
        lake.check_db_path(db_path)
    except WarehouseError:
        return False
    return (lake.lake_folder(db_path) / lake.CATALOG).is_file()


def snapshot(db: Optional[Path]):
    """A read-only session on the warehouse's current state (never blocks a running writer)."""
    from warehouse.db import open_snapshot
    from warehouse.sessions import warehouse_found

    settings = settings_or_fail(db_path=db)
    if not warehouse_found(settings.db_path):
        fail(f"no database at {settings.db_path}: run `mediamon run` first", 2)
    _converted(settings)
    try:
        return open_snapshot(settings.db_path)
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)


def status(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many runs")] = 10,
) -> None:
    """What the last runs did, in a table."""
    from mediamon.summary import print_runs
    from warehouse.db import sql

    with snapshot(db) as con:
        rows = con.execute(sql("recent_runs"), {"limit": limit}).fetchall()
    print_runs(out, rows)


def search(
    query: Annotated[str, typer.Argument(help="words to look for (any language; case is ignored)")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="how many articles")] = 20,
    output: Annotated[SearchFormat, typer.Option(
        "--format", help="table for reading; csv or json (score, doc_id, url, title, language, snippet) to keep "
        "the hits and join them with the articles view in SQL")] = SearchFormat.TABLE,
    show_sql: Annotated[bool, typer.Option("--sql", hidden=True)] = False,
) -> None:
    """Full-text search over stored articles (title and text), best first; works while a run writes."""
    from mediamon.summary import print_search, write_hits
    from warehouse.search_index import search as search_index

    if show_sql:
        fail("--sql: search runs on its own index, not in SQL: keep the hits with `mediamon search WORDS "
             "--format csv > hits.csv` and join them with the articles view (docs/analysts.md, Full-text search)", 2)
    if not query.strip():
        fail("search needs some words", 2)
    settings = settings_or_fail(db_path=db)
    if not _lake_in_place(settings.db_path):
        with snapshot(db):  # a database this mediamon can read, else one line
            pass
    try:
        hits = search_index(settings.db_path, query, limit)
    except WarehouseError as exc:
        fail(str(exc), exc.exit_code)
    if output is SearchFormat.TABLE:
        print_search(out, query, hits)
    else:
        write_hits(sys.stdout, hits, output.value)


def sql(
    ctx: typer.Context,
    db: DbOption = None,
    command: Annotated[Optional[str], typer.Option(
        "--command", "-c", show_default=False, help="run this SQL and exit (else an interactive shell; SQL on "
        "standard input runs too)")] = None,
    workspace: Annotated[Optional[Path], typer.Option(
        "--workspace", show_default=False, help="your own DuckDB file, attached read-write as `workspace`: "
        "tables and views you create go there (created if missing); runs never touch it")] = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", show_default=False, help="the warehouse as it was when a run ended (its id or id prefix, as "
        "`mediamon status` shows it) or at a time (YYYY-MM-DD[THH:MM[:SS]], UTC); the last 7 days are kept")] = None,
    print_attach: Annotated[bool, typer.Option(
        "--print-attach", help="print the SQL lines that open the warehouse read-only (for Python, pandas, "
        "DBeaver, another duckdb) and exit")] = False,
) -> None:
    """A DuckDB shell on the warehouse's current snapshot, read-only, its views by their names.

    Options after -- go to the duckdb shell (e.g. -- -csv, -- -json)."""
    from mediamon import shell
    from warehouse import lake

    with snapshot(db) as con:  # a database this mediamon can read, else one line
        moment = None if as_of is None else _moment(con, as_of)
    db_path = settings_or_fail(db_path=db).db_path
    is_lake = lake.storage_from_env() == "lake"
    if (workspace is not None or print_attach or as_of is not None) and not is_lake:
        fail("--workspace, --as-of and --print-attach need the lake storage (MEDIAMON_STORAGE=file is set)", 2)
    if workspace is not None and workspace.resolve() == db_path.resolve():
        fail(f"--workspace {workspace} is the warehouse's own path: give your own file (e.g. analysis.duckdb)", 2)
    folder = lake.lake_folder(db_path)
    try:
        if moment is not None:
            lake.open_reader(folder, as_of=moment).close()  # a snapshot kept, else one line
        if print_attach:
            out.print("\n".join(shell.attach_lines(folder, as_of=moment)), markup=False, highlight=False,
                      soft_wrap=True)
            return
        binary = shell.shell_binary()
    except MediamonError as exc:
        fail(str(exc), exc.exit_code)
    arguments = (shell.shell_arguments(binary, folder, command, list(ctx.args), workspace, moment)
                 if is_lake else shell.file_shell_arguments(binary, db_path, command, list(ctx.args)))
    raise typer.Exit(shell.run_shell(arguments))
