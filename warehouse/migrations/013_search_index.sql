-- 013: full-text search leaves the database for a Tantivy index beside it (<name>.search/,
-- warehouse/search_index.py), which each batch adds to instead of a whole rebuild per run. DuckDB's
-- fts index and what it was built from go; the first writer to open the upgraded database builds
-- the new index from documents (its article count differs from the database's). search_backlog:
-- the doc_ids written to documents since the index last committed, cleared after each index commit;
-- rows left by a run that died between the two are indexed by the next writer to open.
DROP SCHEMA IF EXISTS fts_main_documents CASCADE;
DROP TABLE IF EXISTS fts_state;
CREATE TABLE search_backlog (doc_id VARCHAR NOT NULL);
