-- the schedule rows of the staged URLs
SELECT url, watched, state, next_check_at, interval_days, checks, failures, first_checked_at, last_checked_at,
       last_changed_at, failing_since, web_archive_asked, run_id
FROM url_schedule
WHERE url IN (SELECT url FROM staged_urls);
