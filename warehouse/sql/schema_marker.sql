-- The columns of main.schema_version: mediamon's own (version, name, applied_at) mark its databases.
SELECT column_name
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'schema_version'
