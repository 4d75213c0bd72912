-- a candidate found again replaces the one stored
DELETE FROM cross_lingual_pairs c USING staged_cross_lingual s WHERE c.doc_id = s.doc_id AND c.duplicate_of = s.duplicate_of;
INSERT INTO cross_lingual_pairs (doc_id, duplicate_of, score, containment, shared_anchors, evidence, detected_at, run_id)
SELECT doc_id, duplicate_of, score, containment, shared_anchors, evidence, detected_at, run_id
FROM staged_cross_lingual;
