SELECT url FROM documents WHERE url IN (SELECT url FROM staged_urls);
