-- the schedule rows of the staged URLs; times as microseconds since the epoch (UTC), which Python
-- turns into datetimes several times faster than the driver converts TIMESTAMPTZ values
SELECT url, watched, state, epoch_us(next_check_at), interval_days, checks, failures, epoch_us(first_checked_at),
       epoch_us(last_checked_at), epoch_us(last_changed_at), epoch_us(failing_since), web_archive_asked, run_id
FROM url_schedule
WHERE url IN (SELECT url FROM staged_urls);
