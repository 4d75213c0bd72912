-- BM25 full-text search over articles (title and text), best first
SELECT round(score, 4) AS score, doc_id, url, title, language, left(regexp_replace(text, '\s+', ' ', 'g'), 160) AS snippet
FROM (
    SELECT a.*, fts_main_documents.match_bm25(a.doc_id, $query) AS score
    FROM articles a
)
WHERE score IS NOT NULL
ORDER BY score DESC, doc_id
LIMIT $limit;
