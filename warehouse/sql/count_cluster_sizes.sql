-- every doc_clusters row's cluster_size counted afresh: for a builder that writes doc_clusters in bulk
-- (testkit.synthetic_warehouse); the writer's own batches store it as they recluster
UPDATE doc_clusters SET cluster_size = s.size
FROM (SELECT cluster_id, count(*) AS size FROM doc_clusters GROUP BY cluster_id) s
WHERE s.cluster_id = doc_clusters.cluster_id AND doc_clusters.cluster_size IS DISTINCT FROM s.size;
