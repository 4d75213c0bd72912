"""Opening the database and bringing its schema up to date."""
from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from core.errors import DatabaseUnavailable, SchemaTooNew

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
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


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
        with transaction(con):
            con.execute(statements)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
    if target == latest:
        con.execute(views())  # the analysts' views, as this mediamon defines them
    return max(current, target)


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published analyst database whose schema this mediamon knows."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseUnavailable(f"no database at {path}: run `mediamon run` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DatabaseUnavailable(f"cannot open database {path}: {str(exc).strip().splitlines()[0]}") from None
    version = schema_version(con)
    if version > latest_version():
        con.close()
        raise SchemaTooNew(
            f"database schema v{version} is newer than this mediamon understands (v{latest_version()}): upgrade mediamon"
        )
    return con


def connect(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write connection to ``path`` with the schema up to date.

    ``memory_limit`` caps DuckDB's buffer pool and working memory (it spills to disk beyond it), so
    the writer's memory does not grow with the size of the database. The writer runs one DuckDB
    thread: the cores belong to the extraction workers, and DuckDB's parallelism does not pay here
    (measured: a backfill's commits -20 % CPU; the full-text build the same wall with half the CPU,
    at 1,810 and at 18,100 articles; README "Measured").
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise DatabaseUnavailable(f"database path is a directory: {path}")
    if not path.parent.exists():
        raise DatabaseUnavailable(f"database folder does not exist: {path.parent}")
    try:
        con = duckdb.connect(str(path), config={"threads": 1, **({"memory_limit": memory_limit} if memory_limit else {})})
    except duckdb.IOException as exc:
        first_line = str(exc).strip().splitlines()[0]
        if "lock" in first_line.lower():
            raise DatabaseUnavailable(f"another mediamon run is writing this database ({path} is locked)") from None
        raise DatabaseUnavailable(f"cannot open database {path}: {first_line}") from None
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        raise DatabaseUnavailable(f"cannot open database {path}: {first_line}") from None
    try:
        migrate(con)
    except BaseException:
        con.close()
        raise
    return con
