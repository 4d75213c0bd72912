-- documents indexed again (their text changed) leave the anchor sets and their candidate pairs
DELETE FROM cross_lingual_pairs WHERE doc_id IN (SELECT doc_id FROM staged_reindexed);
DELETE FROM anchor_sets WHERE doc_id IN (SELECT doc_id FROM staged_reindexed);
