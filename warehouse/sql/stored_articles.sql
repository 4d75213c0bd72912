-- the stored article of each staged URL, without its text (warehouse.changes.Stored), with its rowid:
-- where its text is read from when a check needs it (warehouse.db.rows_at)
SELECT url, doc_id, content_sha256, title, final_url, word_count, coalesce(version, 1),
       coalesce(version_fetched_at, fetched_at), coalesce(version_run_id, run_id), words_added, words_removed,
       title_changed, rowid
FROM documents
WHERE url IN (SELECT url FROM staged_urls);
