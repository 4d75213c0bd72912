-- documents a batch (re)indexed or removed: the duplicate look-up index takes them after the commit
INSERT INTO key_backlog (doc_id) SELECT doc_id FROM staged_key_backlog;
