-- stored documents sharing at least one LSH bucket with a staged one, with their signatures
SELECT DISTINCT c.doc_id, b.doc_id AS match_id, f.minhash, f.shingle_count
FROM staged_buckets c
JOIN lsh_buckets b ON b.band = c.band AND b.bucket = c.bucket
JOIN fingerprints f ON f.doc_id = b.doc_id
WHERE b.doc_id <> c.doc_id;
