-- 012: the tables with a row per document (or per pair) lose their key indexes. DuckDB holds a key's
-- index (an ART) in memory, inside the writer's memory cap: with six of them (documents' doc_id and
-- url, fingerprints, duplicate pairs, clusters, anchor sets, cross-lingual pairs) a batch's commit
-- ran out of the default 128 MB at about 100,000 articles. Uniqueness is kept by the statements that
-- write them (delete-then-insert, insert where absent: warehouse/sql/insert_*.sql, replace_*.sql),
-- as for fetch_log (migration 007) and as table formats without indexes (Parquet, DuckLake) require.
-- DuckDB cannot drop a constraint, so each table is rebuilt (same columns and types), its NOT NULL
-- rules and defaults restated; the views read them by name.

CREATE TABLE documents_keyless AS SELECT * FROM documents;
ALTER TABLE documents_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN url SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN fetch_id SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN fetched_at SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN via SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN text SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN word_count SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN content_sha256 SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN extractor SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN run_id SET NOT NULL;
ALTER TABLE documents_keyless ALTER COLUMN version SET DEFAULT 1;
DROP TABLE documents;
ALTER TABLE documents_keyless RENAME TO documents;

CREATE TABLE fingerprints_keyless AS SELECT * FROM fingerprints;
ALTER TABLE fingerprints_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE fingerprints_keyless ALTER COLUMN kind SET NOT NULL;
ALTER TABLE fingerprints_keyless ALTER COLUMN normalized_sha256 SET NOT NULL;
ALTER TABLE fingerprints_keyless ALTER COLUMN minhash SET NOT NULL;
ALTER TABLE fingerprints_keyless ALTER COLUMN shingle_count SET NOT NULL;
ALTER TABLE fingerprints_keyless ALTER COLUMN first_seen SET NOT NULL;
DROP TABLE fingerprints;
ALTER TABLE fingerprints_keyless RENAME TO fingerprints;

CREATE TABLE duplicate_pairs_keyless AS SELECT * FROM duplicate_pairs;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN duplicate_of SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN kind SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN similarity SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN containment SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN detected_at SET NOT NULL;
ALTER TABLE duplicate_pairs_keyless ALTER COLUMN run_id SET NOT NULL;
DROP TABLE duplicate_pairs;
ALTER TABLE duplicate_pairs_keyless RENAME TO duplicate_pairs;

CREATE TABLE doc_clusters_keyless AS SELECT * FROM doc_clusters;
ALTER TABLE doc_clusters_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE doc_clusters_keyless ALTER COLUMN cluster_id SET NOT NULL;
DROP TABLE doc_clusters;
ALTER TABLE doc_clusters_keyless RENAME TO doc_clusters;

CREATE TABLE anchor_sets_keyless AS SELECT * FROM anchor_sets;
ALTER TABLE anchor_sets_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE anchor_sets_keyless ALTER COLUMN anchors SET NOT NULL;
ALTER TABLE anchor_sets_keyless ALTER COLUMN surfaces SET NOT NULL;
DROP TABLE anchor_sets;
ALTER TABLE anchor_sets_keyless RENAME TO anchor_sets;

CREATE TABLE cross_lingual_pairs_keyless AS SELECT * FROM cross_lingual_pairs;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN doc_id SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN duplicate_of SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN score SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN containment SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN shared_anchors SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN evidence SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN detected_at SET NOT NULL;
ALTER TABLE cross_lingual_pairs_keyless ALTER COLUMN run_id SET NOT NULL;
DROP TABLE cross_lingual_pairs;
ALTER TABLE cross_lingual_pairs_keyless RENAME TO cross_lingual_pairs;
