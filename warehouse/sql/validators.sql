-- the ETag / Last-Modified of each URL's stored article (those of the fetch it was extracted
-- from), for a conditional GET
SELECT url, etag, last_modified
FROM documents
WHERE url IN (SELECT url FROM staged_urls)
  AND (etag IS NOT NULL OR last_modified IS NOT NULL);
