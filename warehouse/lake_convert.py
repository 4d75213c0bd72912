"""Converting a DuckDB-file warehouse into a lake, on first use of the lake storage.

The file (the writer's working copy ``<name>.writer.duckdb`` when there is one: it holds everything
committed, the analyst file being its last published copy) is first brought to the latest DuckDB
schema by the existing migrations, then every table is copied by column name into a new lake built
beside (``<name>.lake.converting``), in one transaction; the finished folder is renamed into place,
so a conversion that dies leaves no half lake (the next open starts it again). The DuckDB files are
then retired: the source is renamed ``<name>.pre-lake.duckdb`` (kept until the user removes it),
the older analyst copy removed, and the search index beside the file (``<name>.search/``) moves into
the lake's ``search/`` (checked against the lake at the next open, rebuilt if out of step).
``schema_version`` (the file's migration history) is not copied: the
lake has its own (``lake_schema_version``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from core.errors import DatabaseUnusable
from warehouse import lake
from warehouse.db import check_writable, connect, open_file_snapshot, storage_failures, transaction
from warehouse.db_file import is_blank
from warehouse.snapshot import writer_path

NOT_COPIED = frozenset({"schema_version", "lake_schema_version"})


def source_of(analyst: Path) -> Path | None:
    """The DuckDB file whose data a new lake starts from, if any."""
    for candidate in (writer_path(analyst), analyst):
        if candidate.is_file() and not is_blank(candidate) and not candidate.name.endswith(lake.SUFFIX):
            return candidate
    return None


def waiting(analyst: Path) -> bool:
    """Whether a DuckDB-file warehouse at the ``--db`` path waits to be converted (no lake yet).
    A file there that is no mediamon warehouse (another application's, not DuckDB, empty, of a newer
    schema) is one line, as for a reader of the file."""
    analyst = Path(analyst)
    folder = lake.lake_folder(analyst)
    if analyst == folder or (folder / lake.CATALOG).exists():
        return False
    if analyst.exists():
        open_file_snapshot(analyst, older_ok=True).close()
        return True
    return source_of(analyst) is not None


def convert_if_found(analyst: Path, folder: Path, memory_limit: str | None = None) -> Path | None:
    """Convert the DuckDB-file warehouse at ``analyst`` into the lake ``folder`` unless the lake
    exists; return where the converted file is kept (None: nothing was converted)."""
    if (folder / lake.CATALOG).exists():
        return None
    analyst = Path(analyst)
    source = source_of(analyst)
    if source is None:
        return None
    check_writable(source)  # a foreign or newer database is refused, as for the file storage
    convert(source, folder, memory_limit)
    retire(analyst, source)
    move_search_index(analyst, folder)
    return retired_path(analyst)


def convert(source: Path, folder: Path, memory_limit: str | None = None) -> None:
    """Build the lake ``folder`` from the DuckDB file ``source`` (upgraded in place first)."""
    connect(source, memory_limit).close()  # the DuckDB migrations: the file at the latest schema
    building = folder.with_name(folder.name + ".converting")
    shutil.rmtree(building, ignore_errors=True)
    con, lock = lake.open_writer(building, memory_limit)
    try:
        with storage_failures(building):
            copy_tables(con, source)
    finally:
        con.close()
        lock.release()
    shutil.rmtree(building / ".spill", ignore_errors=True)
    building.rename(folder)


def copy_tables(con: duckdb.DuckDBPyConnection, source: Path) -> dict[str, int]:
    """Copy every table of ``source`` into the lake attached to ``con``, by column name, in one
    transaction; return the rows copied per table."""
    con.execute(f"ATTACH '{str(source).replace(chr(39), chr(39) * 2)}' AS converted_source (READ_ONLY)")
    try:
        source_tables = _tables(con, "converted_source") - NOT_COPIED
        lake_tables = _tables(con, lake.ALIAS) - NOT_COPIED
        missing = sorted(source_tables - lake_tables)
        if missing:
            raise DatabaseUnusable(f"cannot convert {source}: its tables {', '.join(missing)} have no place in the lake")
        copied = {}
        with transaction(con):
            for table in sorted(source_tables):
                copied[table] = con.execute(f'INSERT INTO {lake.ALIAS}.main."{table}" BY NAME '
                                            f'SELECT * FROM converted_source.main."{table}"').fetchone()[0]
        return copied
    finally:
        con.execute("DETACH converted_source")


def _tables(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db AND schema_name = 'main'",
        {"db": database}).fetchall()}


def move_search_index(analyst: Path, folder: Path) -> None:
    """The file's search and duplicate look-up indexes (``<name>.search`` and ``<name>.keys`` beside
    it) into the lake, where the writer finds them (one the file lacks is built at the next open)."""
    stem = analyst.name[: -len(".duckdb")] if analyst.name.endswith(".duckdb") else analyst.name
    for name in (lake.SEARCH, lake.KEYS):
        beside, inside = analyst.with_name(f"{stem}.{name}"), folder / name
        if beside.is_dir() and not inside.exists():
            beside.rename(inside)


def retired_path(analyst: Path) -> Path:
    stem = analyst.name[: -len(".duckdb")] if analyst.name.endswith(".duckdb") else analyst.name
    return analyst.with_name(f"{stem}.pre-lake.duckdb")


def retire(analyst: Path, source: Path) -> None:
    """The converted file is kept aside (``<name>.pre-lake.duckdb``), the older analyst copy removed:
    after a conversion the lake is the one place that holds the state."""
    source.rename(retired_path(analyst))
    for leftover in (analyst, writer_path(analyst)):
        if leftover.exists() and leftover != source:
            leftover.unlink()
