-- every distinct canonical URL cited by a seed, sorted
SELECT url
FROM citation_links
WHERE url IS NOT NULL
GROUP BY url
ORDER BY url;
