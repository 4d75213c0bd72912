-- per cited URL, the earliest date among the seeds citing it: the date a seed states, else its ingestion date
SELECT c.url, min(coalesce(s.published_at, CAST(timezone('UTC', s.ingested_at) AS DATE))) AS cited_at
FROM citation_links c
JOIN seed_docs s USING (seed_id)
WHERE c.url IN (SELECT url FROM staged_urls)
GROUP BY c.url;
