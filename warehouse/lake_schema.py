"""The lake's own schema: numbered steps in ``warehouse/lake_migrations`` (never the DuckDB-file
migrations), recorded in ``lake_schema_version``, and the analysts' views re-created at every writer
open (``warehouse/views.sql``)."""
from __future__ import annotations

import re
from contextlib import nullcontext
from importlib import resources
from pathlib import Path

import duckdb

from core.errors import ForeignDatabase, SchemaTooNew
from warehouse import lake
from warehouse.db import migration_memory, transaction, views

_MIGRATION_RE = re.compile(r"^(\d{3})_([\w-]+)\.sql$")


def lake_migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every lake schema step shipped, in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("lake_migrations").iterdir():
        match = _MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


def latest_lake_version() -> int:
    return lake_migrations()[-1][0]


def lake_schema_version(con: duckdb.DuckDBPyConnection) -> int:
    tables = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": lake.ALIAS}).fetchall()}
    if "lake_schema_version" not in tables:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM lake_schema_version").fetchone()[0]


def migrate_lake(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Apply the lake schema steps this lake lacks and (re)create the analysts' views, in one transaction."""
    current, latest = lake_schema_version(con), latest_lake_version()
    if current > latest:
        raise SchemaTooNew(f"{folder} has lake schema v{current}, newer than this mediamon understands "
                           f"(v{latest}): upgrade mediamon")
    if current == 0 and _table_count(con) > 0:
        raise ForeignDatabase(f"{folder} is a DuckLake mediamon did not create: give --db a new path")
    with migration_memory(con) if latest > current else nullcontext(), transaction(con):
        if current == 0:
            con.execute(f"CALL {lake.ALIAS}.set_option('parquet_row_group_size', {lake.ROW_GROUP_ROWS})")
            con.execute("CREATE TABLE lake_schema_version (version INTEGER NOT NULL, name VARCHAR NOT NULL, "
                        "applied_at TIMESTAMPTZ NOT NULL)")
        for version, name, statements in lake_migrations():
            if version > current:
                con.execute(statements)
                con.execute("INSERT INTO lake_schema_version VALUES (?, ?, now())", [version, name])
        con.execute(views())  # as this mediamon defines them (one snapshot per writer open)
    return latest


def _table_count(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = $db", {"db": lake.ALIAS}).fetchone()[0]
