-- the guard looks only at the staged documents' rows: a NOT IN over the whole index would hash every stored id
INSERT INTO lsh_buckets (band, bucket, doc_id)
SELECT band, bucket, doc_id
FROM staged_buckets
WHERE doc_id NOT IN (SELECT b.doc_id FROM lsh_buckets b SEMI JOIN staged_buckets s ON s.doc_id = b.doc_id);
