-- indexed documents that predate the anchor index or the cluster table, oldest first, with their text
SELECT f.doc_id, f.kind, coalesce(d.text, s.text) AS text, coalesce(d.language, s.language) AS language,
       a.doc_id IS NULL AS needs_anchors
FROM fingerprints f
LEFT JOIN documents d ON d.doc_id = f.doc_id
LEFT JOIN seed_docs s ON s.seed_id = f.doc_id
LEFT JOIN anchor_sets a ON a.doc_id = f.doc_id
WHERE a.doc_id IS NULL OR f.doc_id NOT IN (SELECT doc_id FROM doc_clusters)
ORDER BY f.first_seen, f.doc_id;
