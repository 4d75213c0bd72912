-- 004: the raw archive (WARC), web-archive snapshots of dead links, seed dates.
-- Views keep every column of 001-003 in order and gain new ones at the end.
-- seed_docs.published_at of seeds stored before this migration is filled in by the writer when it
-- opens the database (warehouse.seed_dates): the date forms need Python.

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

CREATE OR REPLACE VIEW fetches AS
SELECT fetch_id, url, attempted_at, outcome, http_status, final_url, bytes, elapsed_ms, error, via, run_id,
       content_type, redirects, etag, last_modified,
       warc_file, warc_offset, payload_digest, snapshot_at, archive_url
FROM fetch_log;

CREATE OR REPLACE VIEW seeds AS
SELECT seed_id, source_path, title, text, language, language_score, ingested_at, content_sha256,
       language_method, langdetect_language, langdetect_score, langid_language, langid_score, declared_language,
       coalesce(published_at, CAST(timezone('UTC', ingested_at) AS DATE)) AS published_at,
       CASE WHEN published_at IS NULL THEN 'ingested_at' ELSE 'text' END AS published_at_source
FROM seed_docs;

CREATE OR REPLACE VIEW articles AS
WITH best_pair AS (
    SELECT doc_id, duplicate_of, kind, similarity, containment
    FROM duplicate_pairs
    QUALIFY row_number() OVER (
        PARTITION BY doc_id ORDER BY (kind = 'exact') DESC, greatest(similarity, containment) DESC, duplicate_of) = 1
), best_cross AS (
    SELECT doc_id, duplicate_of, score
    FROM cross_lingual_pairs
    QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY score DESC, duplicate_of) = 1
), cluster_sizes AS (
    SELECT cluster_id, count(*) AS cluster_size FROM doc_clusters GROUP BY cluster_id
)
SELECT d.doc_id, d.url, d.final_url, d.host, d.fetched_at, d.via, d.title, d.author, d.published_at,
       d.text, d.word_count, d.language, d.language_score, d.content_sha256,
       b.duplicate_of, b.kind AS duplicate_kind, b.similarity, b.containment,
       d.sitename, d.language_method, d.extractor, d.fetch_id, d.run_id,
       d.langdetect_language, d.langdetect_score, d.langid_language, d.langid_score, d.declared_language,
       c.cluster_id, coalesce(s.cluster_size, 1) AS cluster_size,
       x.duplicate_of AS cross_lingual_of, x.score AS cross_lingual_score,
       f.snapshot_at, f.archive_url, f.warc_file, f.warc_offset, f.payload_digest
FROM documents d
LEFT JOIN best_pair b USING (doc_id)
LEFT JOIN best_cross x USING (doc_id)
LEFT JOIN doc_clusters c USING (doc_id)
LEFT JOIN cluster_sizes s USING (cluster_id)
LEFT JOIN fetch_log f ON f.fetch_id = d.fetch_id;
