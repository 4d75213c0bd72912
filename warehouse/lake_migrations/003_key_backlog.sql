-- 003: duplicate look-ups read a Tantivy index in the lake's keys/ folder (warehouse/key_index.py)
-- instead of joining every stored LSH and anchor row. key_backlog: the ids a batch (re)indexed,
-- recorded in its transaction and cleared once the index has committed them; rows a run that died
-- in between left are indexed again by the next writer to open.
CREATE TABLE key_backlog (doc_id VARCHAR NOT NULL);
