INSERT INTO seed_docs (seed_id, source_path, title, text, content_sha256, language, language_score,
                       language_method, ingested_at, run_id, langdetect_language, langdetect_score,
                       langid_language, langid_score, declared_language, published_at)
SELECT s.seed_id, s.source_path, s.title, s.text, s.content_sha256, s.language, s.language_score,
       s.language_method, s.ingested_at, s.run_id, s.langdetect_language, s.langdetect_score,
       s.langid_language, s.langid_score, s.declared_language, s.published_at
FROM staged_seeds s
WHERE s.seed_id NOT IN (SELECT seed_id FROM seed_docs);
