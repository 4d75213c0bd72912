"""A database file as an older mediamon left it: the migrations up to a version."""
import duckdb

from warehouse.db import migrate


def database_at(path, version: int) -> None:
    with duckdb.connect(str(path)) as con:
        migrate(con, up_to=version)
