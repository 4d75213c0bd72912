-- 002: each language detector's own answer and the page's declared language, beside the decision,
-- so an analyst can audit a label (docs/analysts.md). The views show them (warehouse/views.sql).

ALTER TABLE documents ADD COLUMN langdetect_language VARCHAR;   -- langdetect's top answer (NULL: no answer)
ALTER TABLE documents ADD COLUMN langdetect_score DOUBLE;       -- its probability
ALTER TABLE documents ADD COLUMN langid_language VARCHAR;       -- py3langid's top answer, the second opinion
ALTER TABLE documents ADD COLUMN langid_score DOUBLE;           -- its normalised probability
ALTER TABLE documents ADD COLUMN declared_language VARCHAR;     -- <html lang>, content-language or og:locale

ALTER TABLE seed_docs ADD COLUMN langdetect_language VARCHAR;
ALTER TABLE seed_docs ADD COLUMN langdetect_score DOUBLE;
ALTER TABLE seed_docs ADD COLUMN langid_language VARCHAR;
ALTER TABLE seed_docs ADD COLUMN langid_score DOUBLE;
ALTER TABLE seed_docs ADD COLUMN declared_language VARCHAR;     -- always NULL: seeds are plain text
