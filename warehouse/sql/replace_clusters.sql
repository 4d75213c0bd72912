DELETE FROM doc_clusters WHERE doc_id IN (SELECT doc_id FROM staged_clusters);
INSERT INTO doc_clusters (doc_id, cluster_id, cluster_size)
SELECT doc_id, cluster_id, cluster_size FROM staged_clusters;
