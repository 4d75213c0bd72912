-- 008: each stored article keeps the ETag and Last-Modified of the fetch it was extracted from, so
-- a conditional GET's validators are read from the article rows alone. They were joined from
-- fetch_log, which gains a row per URL per run: the join scanned the whole log for every batch
-- (python -m benchmarks.history_growth, 100k articles, a batch of 500 URLs: 18 ms at 100k log rows,
-- 70 ms at 1M, 244 ms at 3M; from the article rows 5-9 ms at every size).
ALTER TABLE documents ADD COLUMN etag VARCHAR;
ALTER TABLE documents ADD COLUMN last_modified VARCHAR;
UPDATE documents SET etag = f.etag, last_modified = f.last_modified
FROM fetch_log f
WHERE f.fetch_id = documents.fetch_id;
