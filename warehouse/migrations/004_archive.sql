-- 004: the raw archive (WARC), web-archive snapshots of dead links, seed dates.
-- seed_docs.published_at of seeds stored before this migration is filled in by the writer when it
-- upgrades the database (migration 009): the date forms need Python.

-- where each response's bytes lie: a WARC file (a name in MEDIAMON_ARCHIVE_DIR, or the absolute path of a
-- WARC made elsewhere) and the offset of its response record; the record's WARC-Payload-Digest
ALTER TABLE fetch_log ADD COLUMN warc_file VARCHAR;
ALTER TABLE fetch_log ADD COLUMN warc_offset BIGINT;
ALTER TABLE fetch_log ADD COLUMN payload_digest VARCHAR;
-- via = 'web_archive': when the archive captured the page, and the archive URL the bytes were read from
ALTER TABLE fetch_log ADD COLUMN snapshot_at TIMESTAMPTZ;
ALTER TABLE fetch_log ADD COLUMN archive_url VARCHAR;

-- the date the seed's text states (NULL: none; the seeds view then shows the ingestion date)
ALTER TABLE seed_docs ADD COLUMN published_at DATE;
