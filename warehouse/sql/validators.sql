-- the ETag / Last-Modified of each URL's stored article, for a conditional GET
SELECT d.url, f.etag, f.last_modified
FROM documents d
JOIN fetch_log f ON f.fetch_id = d.fetch_id
WHERE d.url IN (SELECT url FROM staged_urls)
  AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL);
