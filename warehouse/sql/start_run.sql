INSERT INTO run_log (run_id, flow, started_at, status) VALUES ($run_id, $flow, $started_at, 'running');
