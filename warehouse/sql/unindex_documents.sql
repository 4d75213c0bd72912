-- documents whose text changed leave the duplicate pairs and fingerprints before they are indexed again
DELETE FROM duplicate_pairs WHERE doc_id IN (SELECT doc_id FROM staged_changed);
DELETE FROM fingerprints WHERE doc_id IN (SELECT doc_id FROM staged_changed);
