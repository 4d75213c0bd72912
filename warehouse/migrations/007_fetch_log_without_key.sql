-- 007: fetch_log loses its primary key. DuckDB keeps a key's index (an ART) in memory, inside the
-- writer's memory cap, and fetch_log gains a row per URL per run: with the default 128 MB cap,
-- every insert failed once the table held 1.4-1.6 million rows (100k URLs, about 15 nightly runs).
-- fetch_id is a random UUID made by the fetcher, and no statement looks a row up by it alone.
-- DuckDB cannot drop a constraint, so the table is rebuilt (same columns and types), its NOT NULL
-- rules restated; the views read it by name.
CREATE TABLE fetch_log_keyless AS SELECT * FROM fetch_log ORDER BY attempted_at;
ALTER TABLE fetch_log_keyless ALTER COLUMN fetch_id SET NOT NULL;
ALTER TABLE fetch_log_keyless ALTER COLUMN url SET NOT NULL;
ALTER TABLE fetch_log_keyless ALTER COLUMN attempted_at SET NOT NULL;
ALTER TABLE fetch_log_keyless ALTER COLUMN outcome SET NOT NULL;
ALTER TABLE fetch_log_keyless ALTER COLUMN via SET NOT NULL;
ALTER TABLE fetch_log_keyless ALTER COLUMN run_id SET NOT NULL;
DROP TABLE fetch_log;
ALTER TABLE fetch_log_keyless RENAME TO fetch_log;
