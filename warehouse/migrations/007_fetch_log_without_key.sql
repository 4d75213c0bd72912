-- 007: fetch_log loses its primary key. DuckDB keeps a key's index (an ART) in memory, inside the
-- writer's memory cap, and fetch_log gains a row per URL per run: with the default 128 MB cap,
-- every insert failed once the table held 1.4-1.6 million rows (100k URLs, about 15 nightly runs).
-- fetch_id is a random UUID made by the fetcher, and no statement looks a row up by it alone.
-- DuckDB cannot drop a constraint, so the table is rebuilt; the views read it by name.
CREATE TABLE fetch_log_keyless (
    fetch_id       VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    attempted_at   TIMESTAMPTZ NOT NULL,
    outcome        VARCHAR NOT NULL,
    http_status    INTEGER,
    final_url      VARCHAR,
    redirects      VARCHAR[],
    content_type   VARCHAR,
    bytes          BIGINT,
    elapsed_ms     INTEGER,
    error          VARCHAR,
    etag           VARCHAR,
    last_modified  VARCHAR,
    via            VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL,
    warc_file      VARCHAR,
    warc_offset    BIGINT,
    payload_digest VARCHAR,
    snapshot_at    TIMESTAMPTZ,
    archive_url    VARCHAR
);
INSERT INTO fetch_log_keyless SELECT * FROM fetch_log ORDER BY attempted_at;
DROP TABLE fetch_log;
ALTER TABLE fetch_log_keyless RENAME TO fetch_log;
