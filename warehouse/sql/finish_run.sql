UPDATE run_log
SET finished_at = $finished_at, status = $status, urls_planned = $urls_planned, fetched_ok = $fetched_ok,
    failed = $failed, new_articles = $new_articles, duplicates = $duplicates, new_seeds = $new_seeds,
    outcomes = $outcomes, languages = $languages, error = $error, planned_new = $planned_new,
    planned_revisit = $planned_revisit, planned_retry = $planned_retry
WHERE run_id = $run_id;
