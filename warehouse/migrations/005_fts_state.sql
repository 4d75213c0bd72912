-- 005: what the full-text index was built from, so a publish with no changed article skips the rebuild
CREATE TABLE fts_state (
    documents_signature VARCHAR NOT NULL,   -- see warehouse/sql/documents_signature.sql
    built_at            TIMESTAMPTZ NOT NULL
);
