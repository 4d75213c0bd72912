-- staged URLs the web archive is not asked for: it answered for them before, or their article is stored
SELECT url
FROM url_schedule
WHERE url IN (SELECT url FROM staged_urls)
  AND (web_archive_asked OR state NOT IN ('new', 'failing'));
