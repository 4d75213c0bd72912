INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, http_status, final_url, redirects, content_type,
                       bytes, elapsed_ms, error, etag, last_modified, via, run_id)
SELECT fetch_id, url, attempted_at, outcome, http_status, final_url, redirects, content_type,
       bytes, elapsed_ms, error, etag, last_modified, via, run_id
FROM staged_fetches;
