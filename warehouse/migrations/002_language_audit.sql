-- 002: each language detector's own answer and the page's declared language, beside the decision,
-- so an analyst can audit a label (see the README's Language note). Views gain the columns at the end.

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

CREATE OR REPLACE VIEW seeds AS
SELECT seed_id, source_path, title, text, language, language_score, ingested_at, content_sha256,
       language_method, langdetect_language, langdetect_score, langid_language, langid_score, declared_language
FROM seed_docs;

CREATE OR REPLACE VIEW articles AS
WITH best_pair AS (
    SELECT doc_id, duplicate_of, kind, similarity, containment
    FROM duplicate_pairs
    QUALIFY row_number() OVER (
        PARTITION BY doc_id ORDER BY (kind = 'exact') DESC, greatest(similarity, containment) DESC, duplicate_of) = 1
)
SELECT d.doc_id, d.url, d.final_url, d.host, d.fetched_at, d.via, d.title, d.author, d.published_at,
       d.text, d.word_count, d.language, d.language_score, d.content_sha256,
       b.duplicate_of, b.kind AS duplicate_kind, b.similarity, b.containment,
       d.sitename, d.language_method, d.extractor, d.fetch_id, d.run_id,
       d.langdetect_language, d.langdetect_score, d.langid_language, d.langid_score, d.declared_language
FROM documents d
LEFT JOIN best_pair b USING (doc_id);
