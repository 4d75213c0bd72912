INSERT INTO cross_lingual_pairs (doc_id, duplicate_of, score, containment, shared_anchors, evidence, detected_at, run_id)
SELECT doc_id, duplicate_of, score, containment, shared_anchors, evidence, detected_at, run_id
FROM staged_cross_lingual
ON CONFLICT (doc_id, duplicate_of) DO UPDATE
SET score = excluded.score, containment = excluded.containment, shared_anchors = excluded.shared_anchors,
    evidence = excluded.evidence, detected_at = excluded.detected_at, run_id = excluded.run_id;
