-- what the staged documents connect to: their current cluster mates, and their exact/near pairs
SELECT c.doc_id, c.doc_id AS other
FROM doc_clusters c
WHERE c.cluster_id IN (SELECT cluster_id FROM doc_clusters WHERE doc_id IN (SELECT doc_id FROM staged_cluster_docs))
UNION ALL
SELECT p.doc_id, p.duplicate_of
FROM duplicate_pairs p
WHERE p.doc_id IN (SELECT doc_id FROM staged_cluster_docs)
   OR p.duplicate_of IN (SELECT doc_id FROM staged_cluster_docs);
