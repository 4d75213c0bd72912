"""Opening the database and bringing its schema up to date."""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from core.errors import DatabaseUnavailable, DatabaseUnusable, SchemaTooNew
from warehouse.db_file import (Contents, check_header, check_location, connect_read_only, contents, is_blank,
                               opening_error, refuse_foreign)

_MIGRATION_RE = re.compile(r"^(\d{3})_([\w-]+)\.sql$")


@cache
def sql(name: str) -> str:
    """A named statement from ``warehouse/sql/<name>.sql``."""
    return resources.files("warehouse").joinpath("sql", f"{name}.sql").read_text("utf-8")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One transaction around the block: committed when it ends, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:  # a database DuckDB invalidated (disk full at a checkpoint): the first error tells
            pass
        raise
    con.execute("COMMIT")


MIGRATION_MEMORY_BYTES = 1 << 30  # an upgrade's table rewrites need at least this (a batch far less)
_UNITS = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}


@contextmanager
def migration_memory(con: duckdb.DuckDBPyConnection):
    """Around an upgrade's steps: DuckDB's memory cap raised to ``MIGRATION_MEMORY_BYTES`` if lower (a
    migration rewriting a table of a million articles does not fit the writer's default 128 MB,
    whatever it spills), then put back."""
    number, _, unit = str(con.execute("SELECT current_setting('memory_limit')").fetchone()[0]).partition(" ")
    try:  # DuckDB shows the cap to 0.1 of its unit, cut down: put back the middle of that interval
        before = round((float(number) + (0.05 if unit != "bytes" else 0)) * _UNITS[unit])
    except (ValueError, KeyError):
        before = None
    lower = before is not None and before < MIGRATION_MEMORY_BYTES
    if lower:
        con.execute(f"SET memory_limit = '{MIGRATION_MEMORY_BYTES}B'")
    try:
        yield
    finally:
        if lower:
            con.execute(f"SET memory_limit = '{before}B'")


_STORAGE_FAILURES = (duckdb.IOException, duckdb.FatalException, duckdb.OutOfMemoryException, duckdb.TransactionException)


@contextmanager
def storage_failures(path: Path | str):
    """DuckDB failing to write ``path`` (disk full, an I/O error, out of memory, a commit refused) is the
    run failing: one line (``DatabaseUnavailable``, exit 1), what was committed before is kept."""
    try:
        yield
    except _STORAGE_FAILURES as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reason = re.sub(r"^[\w ]*(Error|Exception): ", "", first_line)
        raise DatabaseUnavailable(f"cannot write {path}: {reason}") from None


def run_staged(con: duckdb.DuckDBPyConnection, statement: str, parameters: dict | None = None,
               **tables: pa.Table) -> list[tuple]:
    """Run the named statement (``sql(statement)``) with ``tables`` registered under their names for
    its duration (the way Python hands rows to SQL here), and ``parameters`` (its last statement's
    ``$name`` values); return its rows."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.execute(sql(statement), parameters).fetchall()
    finally:
        for name in tables:
            con.unregister(name)


ROWS_PER_READ = 100  # rows a located read asks for in one statement (rows_at)


def rows_at(con: duckdb.DuckDBPyConnection, table: str, columns: str, rowids: list[int]) -> pa.Table | None:
    """``columns`` of the rows of ``table`` at ``rowids`` (None when there are none).

    One ``rowid = ?`` read per row, joined by UNION ALL: the lake skips every file and row group that
    cannot hold that row, so reading a few articles' wide columns (their texts) costs those rows,
    where ``doc_id IN (...)`` reads the whole column of every stored article (13 s at a million)."""
    if not rowids:
        return None
    parts = []
    for start in range(0, len(rowids), ROWS_PER_READ):
        chunk = rowids[start : start + ROWS_PER_READ]
        query = " UNION ALL ".join(f"SELECT {columns} FROM {table} WHERE rowid = ${i + 1}" for i in range(len(chunk)))
        parts.append(con.execute(query, chunk).to_arrow_table())
    return pa.concat_tables(parts)


def views() -> str:
    """Every analyst view's definition (``warehouse/views.sql``), as ``CREATE OR REPLACE VIEW`` statements."""
    return resources.files("warehouse").joinpath("views.sql").read_text("utf-8")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration shipped, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        match = _MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


def latest_version() -> int:
    return migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, up_to: int | None = None) -> int:
    """Apply the migrations this database lacks, each in its own transaction; return the version.

    ``up_to``: stop after that version (a database as an older mediamon left it, for upgrade tests)."""
    current = schema_version(con)
    latest = latest_version()
    target = latest if up_to is None else min(up_to, latest)
    if current > latest:
        raise SchemaTooNew(
            f"database schema v{current} is newer than this mediamon understands (v{latest}): upgrade mediamon"
        )
    if current == 0:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
    for version, name, statements in migrations():
        if version <= current or version > target:
            continue
        with migration_memory(con), transaction(con):
            con.execute(statements)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
    if target == latest:
        con.execute(views())  # the analysts' views, as this mediamon defines them
    return max(current, target)


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only session on the warehouse ``path`` names, whose schema is this mediamon's: the
    current snapshot of its lake (warehouse.lake), or with ``MEDIAMON_STORAGE=file`` the published file.

    Anything else is one line: nothing there, a folder, a file that is not DuckDB, a database without
    mediamon data, another application's database, a schema older or newer than this mediamon's."""
    from warehouse import lake

    path = Path(path)
    if lake.storage_from_env() == "lake":
        lake.check_db_path(path)
        folder = lake.lake_folder(path)
        if not (folder / lake.CATALOG).is_file():
            raise DatabaseUnavailable(f"no database at {path}: run `mediamon run` first")
        return lake.open_reader(folder)
    return open_file_snapshot(path)


def open_file_snapshot(path: Path, *, older_ok: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a DuckDB-file warehouse (``older_ok``: of any schema this mediamon
    can upgrade, as the lake's conversion reads it)."""
    if path.is_dir():
        raise DatabaseUnusable(f"database path {path} is a folder: give --db the database file")
    if not path.is_file():
        raise DatabaseUnavailable(f"no database at {path}: run `mediamon run` first")
    if is_blank(path):
        raise DatabaseUnusable(f"{path} is an empty file with no mediamon data yet: run `mediamon run --db {path}`")
    con = connect_read_only(path)
    try:
        _check_readable(path, contents(con), older_ok)
    except BaseException:
        con.close()
        raise
    return con


def _check_readable(path: Path, found: Contents, older_ok: bool = False) -> None:
    refuse_foreign(path, found, writing=False)
    if found.kind == "empty":
        raise DatabaseUnusable(f"{path} holds no mediamon data yet: run `mediamon run --db {path}`")
    latest = latest_version()
    if found.version > latest:
        raise _too_new(path, found.version)
    if found.version < latest and not older_ok:
        raise DatabaseUnusable(f"{path} has schema v{found.version}, older than this mediamon's v{latest}: "
                               f"any writing command upgrades it (`mediamon run --db {path}`)")


def check_writable(path: Path) -> None:
    """An existing analyst database may be written by this mediamon: it is a DuckDB file (or empty)
    that holds mediamon data of a schema this mediamon knows, or nothing at all."""
    path = Path(path)
    check_location(path)
    if not path.exists() or is_blank(path):
        return
    with connect_read_only(path) as con:
        found = contents(con)
    refuse_foreign(path, found, writing=True)
    if found.version > latest_version():
        raise _too_new(path, found.version)


def _too_new(path: Path, version: int) -> SchemaTooNew:
    return SchemaTooNew(f"{path} has schema v{version}, newer than this mediamon understands (v{latest_version()}): "
                        f"upgrade mediamon")


def connect(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write connection to ``path`` with the schema up to date.

    ``memory_limit`` caps DuckDB's buffer pool and working memory (it spills to disk beyond it), so
    the writer's memory does not grow with the size of the database. The writer runs one DuckDB
    thread: the cores belong to the extraction workers, and DuckDB's parallelism does not pay here
    (measured: a backfill's commits -20 % CPU; the full-text build the same wall with half the CPU,
    at 1,810 and at 18,100 articles; README "Measured").

    A database that holds another application's tables is refused before anything is written.
    """
    path = Path(path)
    check_location(path)
    if is_blank(path):  # a zero-byte file holds nothing: DuckDB writes a new database in its place
        try:
            path.unlink()
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot write {path}: {exc.strerror or exc}") from None
    if path.exists():
        check_header(path)
    try:
        con = duckdb.connect(str(path), config={"threads": 1, **({"memory_limit": memory_limit} if memory_limit else {})})
    except duckdb.Error as exc:
        raise opening_error(path, exc, writer=True) from None
    try:
        refuse_foreign(path, contents(con), writing=True)
        with storage_failures(path):
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con
