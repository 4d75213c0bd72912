INSERT INTO duplicate_pairs (doc_id, duplicate_of, kind, similarity, containment, detected_at, run_id)
SELECT doc_id, duplicate_of, kind, similarity, containment, detected_at, run_id
FROM staged_duplicates
ON CONFLICT (doc_id, duplicate_of) DO UPDATE
SET kind = excluded.kind, similarity = excluded.similarity, containment = excluded.containment, detected_at = excluded.detected_at,
    run_id = excluded.run_id;
