"""A database file as an older mediamon left it: the migrations up to a version, applied by hand."""
import duckdb

from warehouse.db import migrations


def database_at(path, version: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        for number, name, statements in migrations():
            if number <= version:
                con.execute(statements)
                con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [number, name])
