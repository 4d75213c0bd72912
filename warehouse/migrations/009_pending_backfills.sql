-- 009: derived rows that only Python can compute for data stored by an older schema (the anchors of
-- texts indexed before 003, the dates seeds state, read since 004) are filled once, after the
-- upgrade, by the engine (it owns the extractors; the warehouse does not import them). Each name
-- here is one such job still to do; a fresh database has nothing to fill and runs them at no cost.
CREATE TABLE pending_backfills (name VARCHAR PRIMARY KEY);
INSERT INTO pending_backfills VALUES ('anchor_index'), ('seed_dates');
