-- 010: cross-lingual anchors recomputed. Anchors now keep their order in the text (candidates need
-- their strong anchors in the same order on both sides), German and Azerbaijani month forms date a
-- day, and English weekday names are no names: anchors stored by an older mediamon are stale, and
-- so are the candidates decided with them under the older, looser rule (bare small numbers, loosely
-- transliterated common words). Both are derived data: cleared here and computed again from the
-- stored texts after the upgrade (the 'anchor_index' backfill of migration 009,
-- warehouse.dedupe.index_backlog, run by engine.jobs.open_warehouse).
DELETE FROM cross_lingual_pairs;
DELETE FROM anchor_postings;
DELETE FROM anchor_sets;
INSERT OR IGNORE INTO pending_backfills VALUES ('anchor_index');
