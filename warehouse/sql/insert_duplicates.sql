-- a pair found again replaces the one stored
DELETE FROM duplicate_pairs d USING staged_duplicates s WHERE d.doc_id = s.doc_id AND d.duplicate_of = s.duplicate_of;
INSERT INTO duplicate_pairs (doc_id, duplicate_of, kind, similarity, containment, detected_at, run_id)
SELECT doc_id, duplicate_of, kind, similarity, containment, detected_at, run_id
FROM staged_duplicates;
