-- the anchor sets of documents not in the index yet, and their postings
INSERT INTO anchor_sets (doc_id, anchors, surfaces)
SELECT s.doc_id, s.anchors, s.surfaces FROM staged_anchor_sets s
WHERE NOT EXISTS (SELECT 1 FROM anchor_sets a WHERE a.doc_id = s.doc_id);
INSERT INTO anchor_postings (anchor, doc_id)
SELECT unnest(anchors) AS anchor, doc_id FROM staged_anchor_sets;
