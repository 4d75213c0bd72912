"""The warehouse as a DuckLake: Parquet data files and a SQLite catalog in one folder.

One folder holds the state (``<name>.lake/`` beside the ``--db`` path ``<name>.duckdb``, or the
``--db`` path itself when it names a ``.lake`` folder): ``catalog.sqlite`` (DuckLake's catalog: the
tables, their files, every snapshot), ``data/`` (the Parquet files) and ``search/`` (the full-text
index, warehouse.search_index). The writer attaches it and
commits each batch as a snapshot; an analyst attaches it read-only in another process, and a
session that stays inside one transaction keeps reading the snapshot it started on while runs
commit. No copy is published and there is no hidden writer copy.

One writer at a time: the writer holds an exclusive lock on ``writer.lock`` in the folder for as
long as it is open (DuckLake itself would let two writers commit; mediamon's statements assume one).

The extensions load by path from their packages (offline, no ``INSTALL``): sqlite_scanner first,
then ducklake. The lake's schema moves by its own numbered files (``warehouse/lake_migrations``),
never by the DuckDB-file migrations. The lake is the default storage; ``MEDIAMON_STORAGE=file`` keeps
the older single DuckDB file with its publish copy (warehouse.snapshot) as a fallback.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import duckdb

from core.errors import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, SchemaTooNew, WarehouseError

STORAGE_VARIABLE = "MEDIAMON_STORAGE"
STORAGES = ("file", "lake")
SUFFIX = ".lake"
CATALOG = "catalog.sqlite"
DATA = "data"
SEARCH = "search"  # the full-text index's folder (warehouse.search_index)
KEYS = "keys"  # the duplicate look-up index's folder (warehouse.key_index)
WRITER_LOCK = "writer.lock"
ALIAS = "mediamon"  # the name the lake is attached under (and made the default catalog)
ROW_GROUP_ROWS = 2_048  # rows per Parquet row group: its buffer must fit the writer's memory cap (at the
# default 122,880 rows of articles' text a copy or a merge of 100,000 articles asked for 128 MiB at once)
KEEP_DAYS = 7  # how long the snapshots of earlier runs are kept (warehouse.lake_maintenance): the time travel
_SQLITE_MAGIC = b"SQLite format 3\x00"


def storage_from_env(environ=os.environ) -> str:
    """``lake`` or ``file`` from ``MEDIAMON_STORAGE`` (unset: ``lake``)."""
    value = environ.get(STORAGE_VARIABLE, "").strip().lower() or "lake"
    if value not in STORAGES:
        raise DatabaseUnusable(f"{STORAGE_VARIABLE}={value!r}: expected one of {', '.join(STORAGES)}")
    return value


def lake_folder(db_path: Path | str) -> Path:
    """The lake of the ``--db`` path: the path itself when it names a ``.lake`` folder, else
    ``<name>.lake`` beside it (``mediamon.duckdb`` -> ``mediamon.lake``)."""
    path = Path(db_path)
    if path.name.endswith(SUFFIX):
        return path
    stem = path.name[: -len(".duckdb")] if path.name.endswith(".duckdb") else path.name
    return path.with_name(stem + SUFFIX)


def check_db_path(db_path: Path) -> None:
    """The ``--db`` path can name a lake: a ``.lake`` folder, or a database path that is not a
    folder itself, in a folder that exists (one line otherwise)."""
    from warehouse.db_file import check_location

    path = Path(db_path)
    if path.name.endswith(SUFFIX):
        check_location(path.with_name(path.name[: -len(SUFFIX)] + ".duckdb"))
    elif path.is_dir():
        raise DatabaseUnusable(f"database path {path} is a folder: give --db a database path such as "
                               f"{path / 'mediamon.duckdb'} (its data lives in {path / 'mediamon.lake'})")
    else:
        check_location(path)


# -- extensions -----------------------------------------------------------------------------------

def extension_file(package: str, name: str) -> Path:
    """The extension ``name`` shipped in the Python package ``package`` for the installed duckdb."""
    try:
        module = __import__(package)
    except ImportError:
        raise WarehouseError(f"the DuckDB extension {name} is not installed: "
                             f"pip install {package.replace('_', '-')}=={duckdb.__version__}") from None
    root = Path(module.__file__).resolve().parent / "extensions"
    exact = root / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not exact.is_file():
        raise WarehouseError(f"the DuckDB extension {name} for duckdb {duckdb.__version__} is missing from {root}: "
                             f"pip install {package.replace('_', '-')}=={duckdb.__version__}")
    return exact


EXTENSIONS = (("duckdb_extension_sqlite_scanner", "sqlite_scanner"), ("duckdb_extension_ducklake", "ducklake"))


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """sqlite_scanner (the catalog) then ducklake, by path: no download."""
    for package, name in EXTENSIONS:
        con.execute(f"LOAD '{extension_file(package, name)}'")


def attach_statement(folder: Path, read_only: bool, as_of: datetime | None = None) -> str:
    """The ATTACH line (also what an analyst types, with READ_ONLY). The data path is stated at every
    attach (OVERRIDE_DATA_PATH): the files are recorded relative to it, so a lake folder that was
    moved or restored elsewhere opens where it is. ``as_of``: the lake as it was at that time (a
    snapshot kept: warehouse.lake_maintenance), read-only."""
    folder = folder.resolve()
    options = [f"DATA_PATH '{_quoted(folder / DATA)}/'", "OVERRIDE_DATA_PATH true"]
    if read_only or as_of is not None:
        options.insert(0, "READ_ONLY")
    if as_of is not None:
        options.append(f"SNAPSHOT_TIME '{as_of.isoformat()}'")
    return f"ATTACH 'ducklake:sqlite:{_quoted(folder / CATALOG)}' AS {ALIAS} ({', '.join(options)})"


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


# -- opening --------------------------------------------------------------------------------------

def check_folder(folder: Path, *, writing: bool) -> None:
    """``folder`` can be (or become) a lake: one line for anything else."""
    if folder.exists() and not folder.is_dir():
        raise DatabaseUnusable(f"{folder} is a file, not a lake folder: give --db a mediamon database path")
    if not folder.parent.is_dir():
        raise DatabaseUnavailable(f"database folder does not exist: {folder.parent}")
    catalog = folder / CATALOG
    if catalog.is_file() and catalog.stat().st_size > 0:
        with open(catalog, "rb") as handle:
            if handle.read(16) != _SQLITE_MAGIC:
                raise DatabaseUnusable(f"{catalog} is not a SQLite catalog: give --db a mediamon database path")
    elif folder.is_dir() and any(not _ours(p.name) for p in folder.iterdir()):
        raise ForeignDatabase(f"{folder} holds files but no mediamon lake catalog: "
                              + ("mediamon writes only lakes it created: give --db a new path" if writing
                                 else "give --db the database mediamon writes"))


def _ours(name: str) -> bool:
    """A name the lake's own files take before its catalog exists (or while the index is rebuilt)."""
    return name in (DATA, WRITER_LOCK, ".spill") or name.split(".")[0] in (SEARCH, KEYS)


def connect_lake(folder: Path, *, read_only: bool, memory_limit: str | None = None,
                 as_of: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """A session with the lake attached as ``mediamon`` and made the default (unqualified names are
    its tables and views); ``as_of``: its snapshot at that time. Failures are one line naming the folder."""
    config = {"threads": 1, **({"memory_limit": memory_limit} if memory_limit else {})}
    con = duckdb.connect(config=config)
    try:
        if not read_only:
            con.execute(f"SET temp_directory = '{_quoted(folder.resolve() / '.spill')}'")
        load_extensions(con)
        con.execute(attach_statement(folder, read_only, as_of))
        con.execute(f"USE {ALIAS}")
    except duckdb.Error as exc:
        con.close()
        raise _opening_error(folder, exc) from None
    return con


def _opening_error(folder: Path, exc: duckdb.Error) -> WarehouseError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    lowered = reason.lower()
    for cause in ("Read-only file system", "Permission denied", "No space left on device"):
        if cause.lower() in lowered:
            return DatabaseUnavailable(f"cannot write {folder}: {cause}")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseUnavailable(f"the lake catalog {folder / CATALOG} is busy: try again ({reason})")
    if "no snapshot found" in lowered:
        return DatabaseUnusable(f"{folder} holds no snapshot as old as that: it keeps those of the last "
                                f"{KEEP_DAYS} days, none before it was created")
    if "not a database" in lowered or "file is not" in lowered:
        return DatabaseUnusable(f"{folder / CATALOG} is not a SQLite catalog: give --db a mediamon database path")
    return DatabaseUnavailable(f"cannot open the lake {folder}: {reason}")


class WriterLock:
    """The lake's writer lock (``flock`` on ``writer.lock``): held until ``release``; the kernel
    drops it when the process dies, so a crashed run never leaves the lake locked."""

    def __init__(self, folder: Path) -> None:
        path = folder / WRITER_LOCK
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseUnavailable(f"cannot write {folder}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(self._fd, 32).decode("ascii", "replace").strip()
            os.close(self._fd)
            pid = f", PID {holder}" if holder.isdigit() else ""
            raise DatabaseUnavailable(f"another mediamon run is writing this database ({folder} is locked{pid})") from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, str(os.getpid()).encode("ascii"))

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


def open_writer(folder: Path, memory_limit: str | None = None) -> tuple[duckdb.DuckDBPyConnection, WriterLock]:
    """The writer's session on the lake at ``folder`` (created on first use), its schema up to date,
    and the writer lock it holds."""
    check_folder(folder, writing=True)
    try:
        folder.mkdir(exist_ok=True)
        (folder / DATA).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot write {folder}: {exc.strerror or exc}") from None
    lock = WriterLock(folder)
    try:
        use_write_ahead_log(folder / CATALOG)
        con = connect_lake(folder, read_only=False, memory_limit=memory_limit)
    except BaseException:
        lock.release()
        raise
    from warehouse.db import storage_failures
    from warehouse.lake_schema import migrate_lake

    try:
        with storage_failures(folder):   # an upgrade that fails (disk full, memory) is one line
            migrate_lake(con, folder)
    except BaseException:
        con.close()
        lock.release()
        raise
    return con, lock


def use_write_ahead_log(catalog: Path) -> None:
    """Put the SQLite catalog in WAL mode (kept in the file): an analyst's open transaction then never
    blocks the writer's commit. In SQLite's default rollback journal a reader's snapshot is a shared
    lock on the file, and the writer's next commit fails ``database is locked``."""
    try:
        with sqlite3.connect(catalog, timeout=10) as con:
            if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                con.execute("PRAGMA journal_mode = WAL")
        con.close()
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot open the lake catalog {catalog}: {exc}") from None


def leave_readable(folder: Path) -> None:
    """After the writer closed: leave the catalog's WAL files in place (a read-only connection
    recreates them and, unable to checkpoint, keeps them), so that the lake also opens from a
    read-only copy or mount; SQLite cannot read a WAL-mode database there without them."""
    catalog = folder / CATALOG
    try:
        con = sqlite3.connect(f"file:{quote(str(catalog.resolve()))}?mode=ro", uri=True, timeout=10)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        pass  # the next writer or reader recreates them


def open_reader(folder: Path, as_of: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only session on the lake at ``folder`` whose schema is this mediamon's (``as_of``: its
    snapshot at that time, as that time's mediamon left it)."""
    if not (folder / CATALOG).is_file():
        raise DatabaseUnavailable(f"no database at {folder}: run `mediamon run` first")
    check_folder(folder, writing=False)
    from warehouse.lake_schema import latest_lake_version, lake_schema_version

    con = connect_lake(folder, read_only=True, as_of=as_of)
    if as_of is not None:
        return con
    try:
        found = lake_schema_version(con)
        if found != latest_lake_version():
            newer = found > latest_lake_version()
            raise (SchemaTooNew if newer else DatabaseUnusable)(
                f"{folder} has lake schema v{found}, {'newer' if newer else 'older'} than this mediamon's "
                f"v{latest_lake_version()}: " + ("upgrade mediamon" if newer else "any writing command upgrades it"))
    except BaseException:
        con.close()
        raise
    return con
