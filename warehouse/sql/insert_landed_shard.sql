INSERT INTO landed_shards (shard_id, attempt, run_id, landed_at, urls, pages)
VALUES ($shard_id, $attempt, $run_id, $landed_at, $urls, $pages);
