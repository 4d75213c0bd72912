-- lake schema 2, as the DuckDB file's migration 014 (read its notes): each document's cluster size
-- stored on its doc_clusters row, and where its bytes lie (the five fetch columns the articles view
-- showed from fetch_log) on its documents row, so that the articles view joins neither a GROUP BY
-- over doc_clusters nor fetch_log. The existing rows are filled here; the writer fills new ones.
ALTER TABLE doc_clusters ADD COLUMN cluster_size INTEGER;
UPDATE doc_clusters SET cluster_size = s.size
FROM (SELECT cluster_id, count(*) AS size FROM doc_clusters GROUP BY cluster_id) s
WHERE s.cluster_id = doc_clusters.cluster_id;
ALTER TABLE documents ADD COLUMN snapshot_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE documents ADD COLUMN archive_url VARCHAR;
ALTER TABLE documents ADD COLUMN warc_file VARCHAR;
ALTER TABLE documents ADD COLUMN warc_offset BIGINT;
ALTER TABLE documents ADD COLUMN payload_digest VARCHAR;
UPDATE documents SET snapshot_at = f.snapshot_at, archive_url = f.archive_url, warc_file = f.warc_file,
                     warc_offset = f.warc_offset, payload_digest = f.payload_digest
FROM fetch_log f
WHERE f.fetch_id = documents.fetch_id;
