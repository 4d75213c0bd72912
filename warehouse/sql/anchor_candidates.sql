-- stored documents in another language that share 2+ of a staged document's rarest anchors,
-- with their anchors and whether they are seeds
WITH hits AS (
    SELECT q.doc_id, p.doc_id AS other
    FROM staged_probes q
    JOIN anchor_postings p USING (anchor)
    WHERE p.doc_id <> q.doc_id
    GROUP BY ALL
    HAVING count(*) >= 2
), stored_languages AS (
    SELECT doc_id, language, false AS is_seed FROM documents
    UNION ALL
    SELECT seed_id, language, true FROM seed_docs
)
SELECT h.doc_id, h.other, a.anchors, a.surfaces, l.is_seed
FROM hits h
JOIN staged_query_languages q ON q.doc_id = h.doc_id
JOIN stored_languages l ON l.doc_id = h.other
JOIN anchor_sets a ON a.doc_id = h.other
WHERE l.language IS NOT NULL AND l.language <> 'und' AND q.language <> 'und' AND l.language <> q.language
ORDER BY h.doc_id, h.other;
