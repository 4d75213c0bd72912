-- the staged documents' LSH rows: none is indexed (index_documents unindexes a document indexed before)
INSERT INTO lsh_buckets (band, bucket, doc_id)
SELECT band, bucket, doc_id FROM staged_buckets;
