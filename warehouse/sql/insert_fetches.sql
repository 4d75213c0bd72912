INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, http_status, final_url, redirects, content_type,
                       bytes, elapsed_ms, error, etag, last_modified, via, run_id,
                       warc_file, warc_offset, payload_digest, snapshot_at, archive_url)
SELECT fetch_id, url, attempted_at, outcome, http_status, final_url, redirects, content_type,
       bytes, elapsed_ms, error, etag, last_modified, via, run_id,
       warc_file, warc_offset, payload_digest, snapshot_at, archive_url
FROM staged_fetches;
