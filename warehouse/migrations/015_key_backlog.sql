-- 015: duplicate look-ups leave the tables for a Tantivy index beside the database (<name>.keys/,
-- warehouse/key_index.py): a batch reads the postings of its own keys instead of joining every
-- stored LSH and anchor row. key_backlog: the ids a batch (re)indexed, recorded in its transaction
-- and cleared once the index has committed them; rows a run that died in between left are indexed
-- again by the next writer to open. The first writer to open the upgraded database builds the index.
CREATE TABLE key_backlog (doc_id VARCHAR NOT NULL);
