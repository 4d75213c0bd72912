-- the anchor sets of the staged documents: none has any (index_documents unindexes a document indexed
-- before; an upgrade's backlog gives anchors to documents that have none)
INSERT INTO anchor_sets (doc_id, anchors, surfaces)
SELECT doc_id, anchors, surfaces FROM staged_anchor_sets;
