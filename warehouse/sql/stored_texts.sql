SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT doc_id FROM staged_doc_ids);
