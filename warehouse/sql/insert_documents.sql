-- an article stored before has left documents first (delete_documents.sql)
INSERT INTO documents (doc_id, url, final_url, host, fetch_id, fetched_at, via, title, author, published_at,
                       sitename, text, word_count, language, language_score, language_method,
                       content_sha256, extractor, run_id, langdetect_language, langdetect_score,
                       langid_language, langid_score, declared_language, etag, last_modified,
                       version, version_fetched_at, version_run_id, words_added, words_removed, title_changed,
                       snapshot_at, archive_url, warc_file, warc_offset, payload_digest)
SELECT doc_id, url, final_url, host, fetch_id, fetched_at, via, title, author, published_at,
       sitename, text, word_count, language, language_score, language_method,
       content_sha256, extractor, run_id, langdetect_language, langdetect_score,
       langid_language, langid_score, declared_language, etag, last_modified,
       version, version_fetched_at, version_run_id, words_added, words_removed, title_changed,
       snapshot_at, archive_url, warc_file, warc_offset, payload_digest
FROM staged_documents;
-- the search index (warehouse/search_index.py) indexes these after the commit, then clears the backlog
INSERT INTO search_backlog (doc_id) SELECT doc_id FROM staged_documents;
