SELECT attempt FROM landed_shards WHERE shard_id = $shard_id;
