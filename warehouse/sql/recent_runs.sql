SELECT run_id, flow, started_at, finished_at, status, urls_planned, fetched_ok, failed, new_articles,
       duplicates, new_seeds
FROM run_log
ORDER BY started_at DESC
LIMIT $limit;
