"""What a path given as the database is, before mediamon reads or writes it.

mediamon writes only databases it created: a DuckDB file holding another application's tables is
refused (``ForeignDatabase``), never migrated. A missing file, an empty (zero-byte) file and a
DuckDB database holding no table or view are new databases. Every failure to open a file is one
line naming it: ``DatabaseUnusable`` (exit 2) when the path can never be a mediamon database,
``DatabaseUnavailable`` (exit 1) when it cannot be used now (read-only folder, permissions, a lock).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.errors import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, WarehouseError

_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"
_MARKER_COLUMNS = {"version", "name", "applied_at"}
_FIRST_MIGRATION = "initial"
_LOCK_HOLDER_RE = re.compile(r"\(PID (\d+)\)")
WORKING_COPY_HINT = ("a run keeps its working copy beside the database, so that folder must be writable; "
                     "status, search and sql only read")


@dataclass(frozen=True, slots=True)
class Contents:
    """What a DuckDB database holds: ``mediamon`` data (with its schema version), nothing, or another application's objects."""

    kind: str                      # "mediamon", "empty" or "foreign"
    version: int = 0               # mediamon's schema version (0 unless kind is "mediamon")
    objects: tuple[str, ...] = ()  # some of the tables and views found, for a foreign database


def check_location(path: Path) -> None:
    """The path can hold a database file: not a folder, in a folder that exists."""
    if path.is_dir():
        raise DatabaseUnusable(f"database path {path} is a folder: give --db a file (e.g. {path / 'mediamon.duckdb'})")
    if path.parent.exists() and not path.parent.is_dir():
        raise DatabaseUnusable(f"{path.parent} is a file, not a folder: give --db a path in a folder")
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"database folder does not exist: {path.parent}")


def is_blank(path: Path) -> bool:
    """A zero-byte file: nothing to keep, a new database is written in its place."""
    return path.is_file() and path.stat().st_size == 0


def check_header(path: Path) -> None:
    """The file starts like a DuckDB database (without opening it, which would take a lock)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read database {path}: {exc.strerror or exc}") from None
    if head[8:12] == _DUCKDB_MAGIC:
        return
    what = "a SQLite database" if head.startswith(_SQLITE_MAGIC) else "not a DuckDB database file"
    raise DatabaseUnusable(f"{path} is {what}: give --db a mediamon database or a new file")


def opening_error(path: Path, exc: duckdb.Error, *, writer: bool) -> WarehouseError:
    """DuckDB's failure to open ``path`` as one line for the user."""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    reason = first_line.removeprefix("IO Error: ")
    lowered = reason.lower()
    if "could not set lock" in lowered or "conflicting lock" in lowered:
        holder = _LOCK_HOLDER_RE.search(reason)
        pid = f", PID {holder.group(1)}" if holder else ""
        if writer:
            return DatabaseUnavailable(f"another mediamon run is writing this database ({path} is locked{pid})")
        return DatabaseUnavailable(f"{path} is open for writing in another program{pid}: close it first "
                                   f"(analysts open the database read-only: `mediamon sql`)")
    if "not a valid duckdb database" in lowered:
        return DatabaseUnusable(f"{path} is not a DuckDB database file: give --db a mediamon database or a new file")
    if "is a directory" in lowered:
        return DatabaseUnusable(f"database path {path} is a folder: give --db a file")
    for cause in ("Read-only file system", "Permission denied", "Operation not permitted", "No space left on device"):
        if cause.lower() in lowered:
            return DatabaseUnavailable(f"cannot write {path}: {cause}" + (f" ({WORKING_COPY_HINT})" if writer else ""))
    return DatabaseUnavailable(f"cannot open database {path}: {reason}")


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing DuckDB file (header checked first), errors as one line."""
    check_header(path)
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise opening_error(path, exc, writer=False) from None


def contents(con: duckdb.DuckDBPyConnection) -> Contents:
    """Classify an open database: mediamon's (and its schema version), empty, or foreign."""
    from warehouse.db import schema_version, sql

    marker = {row[0] for row in con.execute(sql("schema_marker")).fetchall()}
    if _MARKER_COLUMNS <= marker:
        first = con.execute("SELECT name FROM schema_version WHERE version = 1").fetchone()
        if first is None or first[0] == _FIRST_MIGRATION:
            return Contents("mediamon", schema_version(con))
    objects = tuple(row[0] for row in con.execute(sql("user_objects")).fetchall())
    if not objects:
        return Contents("empty")
    return Contents("foreign", objects=objects)


def refuse_foreign(path: Path, found: Contents, *, writing: bool) -> None:
    """Another application's database is neither read as mediamon's nor ever written."""
    if found.kind != "foreign":
        return
    shown = ", ".join(name.removeprefix("main.") for name in found.objects[:3])
    more = f" and {len(found.objects) - 3} more" if len(found.objects) > 3 else ""
    advice = "mediamon writes only databases it created: give --db a new file" if writing else \
        "give --db the database mediamon writes"
    raise ForeignDatabase(f"{path} is not a mediamon database (it holds {shown}{more}): {advice}")
