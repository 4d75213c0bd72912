-- the fingerprints of documents not in the index yet
INSERT INTO fingerprints (doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen)
SELECT s.doc_id, s.kind, s.normalized_sha256, s.minhash, s.shingle_count, s.first_seen
FROM staged_fingerprints s
WHERE NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.doc_id = s.doc_id);
