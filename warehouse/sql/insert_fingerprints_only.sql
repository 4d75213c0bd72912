INSERT INTO fingerprints (doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen)
SELECT doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen
FROM staged_fingerprints
WHERE doc_id NOT IN (SELECT doc_id FROM fingerprints);
