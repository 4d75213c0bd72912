-- stored documents in another language that share 2+ of a staged document's rarest anchors,
-- with their anchors and whether they are seeds: at most $kept per staged document (seeds first,
-- then those sharing the most probes), so the work per new document does not grow with the warehouse
WITH hits AS (
    SELECT q.doc_id, p.doc_id AS other, count(*) AS shared
    FROM staged_probes q
    JOIN anchor_postings p USING (anchor)
    WHERE p.doc_id <> q.doc_id
    GROUP BY ALL
    HAVING count(*) >= 2
), stored_languages AS (
    SELECT doc_id, language, false AS is_seed FROM documents
    UNION ALL
    SELECT seed_id, language, true FROM seed_docs
), kept AS (
    SELECT h.doc_id, h.other, l.is_seed
    FROM hits h
    JOIN staged_query_languages q ON q.doc_id = h.doc_id
    JOIN stored_languages l ON l.doc_id = h.other
    WHERE l.language IS NOT NULL AND l.language <> 'und' AND q.language <> 'und' AND l.language <> q.language
    QUALIFY row_number() OVER (PARTITION BY h.doc_id ORDER BY l.is_seed DESC, h.shared DESC, h.other) <= $kept
)
SELECT k.doc_id, k.other, a.anchors, a.surfaces, k.is_seed
FROM kept k
JOIN anchor_sets a ON a.doc_id = k.other
ORDER BY k.doc_id, k.other;
