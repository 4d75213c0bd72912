SELECT d.doc_id, d.content_sha256
FROM documents d
WHERE d.doc_id IN (SELECT doc_id FROM staged_changed);
