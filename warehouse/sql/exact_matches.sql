-- for each staged fingerprint, the stored one with the same normalised text: seeds first, then the earliest
SELECT q.doc_id, f.doc_id AS match_id
FROM staged_queries q
JOIN fingerprints f ON f.normalized_sha256 = q.normalized_sha256
WHERE f.doc_id <> q.doc_id
QUALIFY row_number() OVER (PARTITION BY q.doc_id ORDER BY (f.kind = 'seed') DESC, f.first_seen, f.doc_id) = 1;
