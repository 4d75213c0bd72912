-- 014: the articles view reads each document's cluster size and where its bytes lie from the rows it
-- already joins. It counted every cluster's members (a GROUP BY over all of doc_clusters) and joined
-- fetch_log (a row per URL per run) for every query, even one that reads neither (DuckDB keeps an
-- unused LEFT JOIN): at 1M articles `SELECT host, count(*) FROM articles` spent most of its time there.
-- doc_clusters.cluster_size: written by warehouse.clusters.recluster, which rewrites every member of
-- every cluster it touches. documents' five fetch columns: the fetches row of the document's fetch_id
-- (written by warehouse.rows.document_row from the same fetch; fetches rows are never updated).
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
