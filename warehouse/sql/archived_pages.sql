-- what reprocess reads again: each URL's latest archived page (fetched as ok or empty_extraction), in
-- archive order; with $since, only pages fetched (or, via warc, captured) on or after it. Python keeps
-- the columns of a fetch (warehouse.fetch_rows).
SELECT *
FROM fetch_log
WHERE warc_file IS NOT NULL AND outcome IN ('ok', 'empty_extraction')
  AND ($since IS NULL OR attempted_at >= $since)
QUALIFY row_number() OVER (PARTITION BY url ORDER BY attempted_at DESC, fetch_id DESC) = 1
ORDER BY warc_file, warc_offset;
