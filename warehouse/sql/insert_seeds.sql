INSERT INTO seed_docs (seed_id, source_path, title, text, content_sha256, language, language_score,
                       language_method, ingested_at, run_id)
SELECT s.seed_id, s.source_path, s.title, s.text, s.content_sha256, s.language, s.language_score,
       s.language_method, s.ingested_at, s.run_id
FROM staged_seeds s
WHERE s.seed_id NOT IN (SELECT seed_id FROM seed_docs);
