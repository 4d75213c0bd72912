-- the staged documents as the duplicate look-up index holds them (warehouse.key_writer); an id no
-- longer indexed has no row
SELECT f.doc_id, f.kind, coalesce(d.language, s.language) AS language, f.normalized_sha256, f.minhash,
       f.shingle_count, f.first_seen, a.anchors, a.surfaces
FROM fingerprints f
LEFT JOIN documents d ON d.doc_id = f.doc_id
LEFT JOIN seed_docs s ON s.seed_id = f.doc_id
LEFT JOIN anchor_sets a ON a.doc_id = f.doc_id
WHERE f.doc_id IN (SELECT doc_id FROM staged_key_docs);
