-- 006: shards of a sharded backfill landed in the warehouse. The primary key is what makes landing
-- exactly-once: the row is written in the same transaction as the shard's fetches and articles, so a
-- shard produced twice (a retry racing a worker thought dead) is landed once.
CREATE TABLE landed_shards (
    shard_id   VARCHAR PRIMARY KEY,
    attempt    VARCHAR NOT NULL,      -- which attempt's output was landed (its folder in shared storage)
    run_id     VARCHAR NOT NULL,      -- the driver's run (runs.run_id)
    landed_at  TIMESTAMPTZ NOT NULL,
    urls       INTEGER NOT NULL,
    pages      INTEGER NOT NULL       -- fetch attempts landed (a URL may take several)
);
