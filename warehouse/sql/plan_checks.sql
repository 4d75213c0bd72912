-- what a nightly run checks: the watched URLs due by $due_by (with $everything, every watched URL).
-- A filter over one row per URL: its cost grows with the URLs known, not with the runs made.
SELECT url, state
FROM url_schedule
WHERE watched AND ($everything OR next_check_at <= $due_by)
ORDER BY url;
