-- every article, as the search index is rebuilt from (read in record batches)
SELECT doc_id, url, title, language, text FROM documents;
