-- how members rank as a cluster's representative: seeds first, then the first indexed
SELECT doc_id, kind = 'seed' AS is_seed, first_seen
FROM fingerprints
WHERE doc_id IN (SELECT doc_id FROM staged_cluster_docs);
