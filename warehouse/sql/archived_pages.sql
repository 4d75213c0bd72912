-- what reprocess reads again, in archive order: the page each stored article was extracted from
-- (not a later error page, home page or 404 a re-fetch found in its place), and for a URL with no
-- article its latest archived page (fetched as ok or empty_extraction); with $since, only pages fetched
-- (or, via warc, captured) on or after it. Python keeps the columns of a fetch (warehouse.fetch_rows).
SELECT f.*
FROM fetch_log f
LEFT JOIN documents d ON d.url = f.url
WHERE f.warc_file IS NOT NULL AND f.outcome IN ('ok', 'empty_extraction')
  AND (d.fetch_id IS NULL OR f.fetch_id = d.fetch_id)
  AND ($since IS NULL OR f.attempted_at >= $since)
QUALIFY row_number() OVER (PARTITION BY f.url ORDER BY f.attempted_at DESC, f.fetch_id DESC) = 1
ORDER BY f.warc_file, f.warc_offset;
