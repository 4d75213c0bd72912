"""Everything persistent: the DuckDB schema (numbered migrations), batch writes, duplicate look-ups."""
from core.errors import DatabaseUnavailable, DatabaseUnusable, ForeignDatabase, SchemaTooNew, WarehouseError
from warehouse.store import Warehouse

__all__ = ["DatabaseUnavailable", "DatabaseUnusable", "ForeignDatabase", "SchemaTooNew", "Warehouse", "WarehouseError"]
