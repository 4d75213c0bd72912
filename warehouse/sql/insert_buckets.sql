INSERT INTO lsh_buckets (band, bucket, doc_id)
SELECT band, bucket, doc_id
FROM staged_buckets
WHERE doc_id NOT IN (SELECT doc_id FROM lsh_buckets);
