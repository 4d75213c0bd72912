"""Everything persistent: the DuckDB schema (numbered migrations), batch writes, duplicate look-ups."""
from warehouse.db import DatabaseUnavailable, SchemaTooNew, WarehouseError
from warehouse.store import Warehouse

__all__ = ["DatabaseUnavailable", "SchemaTooNew", "Warehouse", "WarehouseError"]
