-- seeds with no stated date yet (stored before 004, or none stated): the head of their text
SELECT seed_id, left(text, 1000) AS head FROM seed_docs WHERE published_at IS NULL;
