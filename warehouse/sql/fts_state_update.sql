DELETE FROM fts_state;
INSERT INTO fts_state (documents_signature, built_at) VALUES ($signature, now());
