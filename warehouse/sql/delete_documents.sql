-- articles stored before, replaced by the batch's rows (insert_documents.sql)
DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM staged_replaced);
