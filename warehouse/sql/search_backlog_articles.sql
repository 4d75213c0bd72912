-- the articles written since the search index last committed (a run that died in between left them)
SELECT doc_id, url, title, language, text
FROM documents
WHERE doc_id IN (SELECT doc_id FROM search_backlog);
