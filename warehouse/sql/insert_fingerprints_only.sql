-- the fingerprints of the staged documents: none is indexed (index_documents unindexes a document indexed before)
INSERT INTO fingerprints (doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen)
SELECT doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen
FROM staged_fingerprints;
