-- only one process can hold the writer's database: a run still 'running' when it opens has died
UPDATE run_log SET status = 'crashed', error = coalesce(error, 'the process ended before the run finished')
WHERE status = 'running';
