-- changes whenever an article is added, removed or its text or title changes
SELECT count(*) || ':' || coalesce(bit_xor(hash(doc_id, content_sha256, coalesce(title, ''))), 0)
FROM documents;
