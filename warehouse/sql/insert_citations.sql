INSERT INTO citation_links (seed_id, position, url_as_cited, url)
SELECT c.seed_id, c.position, c.url_as_cited, c.url
FROM staged_citations c
ANTI JOIN citation_links l ON l.seed_id = c.seed_id AND l.position = c.position;
