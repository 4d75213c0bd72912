-- 016: the LSH and anchor rows of every document leave the tables. The duplicate look-up index
-- (<name>.keys/, warehouse/key_index.py) answers look-ups and is rebuilt from fingerprints (band
-- keys are computed from the MinHash) and anchor_sets, so these ~80 rows per document were written,
-- and scanned whole when a text changed, for nothing.
DROP TABLE lsh_buckets;
DROP TABLE anchor_postings;
