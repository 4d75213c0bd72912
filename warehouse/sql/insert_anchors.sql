INSERT OR IGNORE INTO anchor_sets (doc_id, anchors, surfaces)
SELECT doc_id, anchors, surfaces FROM staged_anchor_sets;
INSERT INTO anchor_postings (anchor, doc_id)
SELECT unnest(anchors) AS anchor, doc_id FROM staged_anchor_sets;
