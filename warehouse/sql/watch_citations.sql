-- the URLs newly stored citations name are watched: nightly runs plan them (those never seen at once)
UPDATE url_schedule SET watched = true WHERE NOT watched AND url IN (SELECT url FROM staged_citations);
INSERT INTO url_schedule (url, watched, state, next_check_at, checks, failures, web_archive_asked)
SELECT DISTINCT url, true, 'new', $now, 0, 0, false
FROM staged_citations
WHERE url IS NOT NULL AND url NOT IN (SELECT url FROM url_schedule);
