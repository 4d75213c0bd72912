"""Everything persistent: the DuckDB schema (numbered migrations), batch writes, duplicate look-ups."""
from core.errors import DatabaseUnavailable, SchemaTooNew, WarehouseError
from warehouse.store import Warehouse

__all__ = ["DatabaseUnavailable", "SchemaTooNew", "Warehouse", "WarehouseError"]
