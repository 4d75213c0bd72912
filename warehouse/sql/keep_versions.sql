-- the current version of each staged article (its documents row, read by rowid: warehouse.db.rows_at),
-- kept before a new text or title replaces it
INSERT INTO document_versions (doc_id, version, fetched_at, last_seen_at, title, text, content_sha256, word_count,
                               words_added, words_removed, title_changed, run_id, fetch_id)
SELECT doc_id, coalesce(version, 1), coalesce(version_fetched_at, fetched_at), fetched_at, title, text,
       content_sha256, word_count, words_added, words_removed, title_changed, coalesce(version_run_id, run_id),
       fetch_id
FROM staged_superseded;
