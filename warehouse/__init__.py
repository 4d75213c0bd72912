"""Everything persistent: the DuckDB schema (numbered migrations), batch writes, duplicate look-ups.

``Warehouse`` is imported on first use: a reader that needs only the search index (``mediamon
search``) does not pay for the writer's imports (pyarrow, numpy, the extractors): about half a second.
"""
from core.errors import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, SchemaTooNew, WarehouseError

__all__ = ["DatabaseUnavailable", "DatabaseUnusable", "ForeignDatabase", "SchemaTooNew", "Warehouse", "WarehouseError"]


def __getattr__(name: str):
    if name == "Warehouse":
        from warehouse.store import Warehouse

        return Warehouse
    raise AttributeError(f"module 'warehouse' has no attribute {name!r}")
