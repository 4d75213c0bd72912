-- Tables and views a database holds (schema.name), DuckDB's own left out, in a stable order.
SELECT schema_name || '.' || table_name AS name
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT internal
UNION ALL
SELECT schema_name || '.' || view_name
FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal
ORDER BY name
