-- 003: duplicate clusters, cross-lingual candidates, and the anchor index behind them.
-- Views keep every column of 001/002 in order and gain new ones at the end.
-- Rows for documents indexed before this migration are filled in by the writer when it opens
-- the database (warehouse.dedupe.index_backlog): anchors need Python.

-- connected components of exact and near pairs; every indexed document (seed or article) has a row
CREATE TABLE doc_clusters (
    doc_id     VARCHAR PRIMARY KEY,
    cluster_id VARCHAR NOT NULL              -- the representative member: a seed if any, else the first indexed
);

-- each indexed document's cross-lingual anchors (extractors.crosslingual), in order of appearance
CREATE TABLE anchor_sets (
    doc_id   VARCHAR PRIMARY KEY,
    anchors  VARCHAR[] NOT NULL,             -- language-independent keys
    surfaces VARCHAR[] NOT NULL              -- how the text first wrote each one (evidence)
);

-- the persisted inverted index: one row per (anchor, document)
CREATE TABLE anchor_postings (
    anchor VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL
);

-- candidates only: the same text in another language, by shared anchors
CREATE TABLE cross_lingual_pairs (
    doc_id         VARCHAR NOT NULL,         -- the later document
    duplicate_of   VARCHAR NOT NULL,         -- a seed or an earlier document in another language
    score          DOUBLE NOT NULL,          -- weighted share of the smaller anchor set found in the other
    containment    DOUBLE NOT NULL,          -- unweighted share of the smaller anchor set shared
    shared_anchors INTEGER NOT NULL,
    evidence       VARCHAR NOT NULL,         -- the strongest shared anchors as each side wrote them
    detected_at    TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, duplicate_of)
);

CREATE OR REPLACE VIEW duplicates AS
SELECT doc_id, duplicate_of, kind, similarity, containment, detected_at, run_id,
       CAST(NULL AS VARCHAR) AS evidence
FROM duplicate_pairs
UNION ALL
SELECT doc_id, duplicate_of, 'cross_lingual' AS kind, score AS similarity, containment, detected_at, run_id,
       evidence
FROM cross_lingual_pairs;

CREATE OR REPLACE VIEW articles AS
WITH best_pair AS (
    SELECT doc_id, duplicate_of, kind, similarity, containment
    FROM duplicate_pairs
    QUALIFY row_number() OVER (
        PARTITION BY doc_id ORDER BY (kind = 'exact') DESC, greatest(similarity, containment) DESC, duplicate_of) = 1
), best_cross AS (
    SELECT doc_id, duplicate_of, score
    FROM cross_lingual_pairs
    QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY score DESC, duplicate_of) = 1
), cluster_sizes AS (
    SELECT cluster_id, count(*) AS cluster_size FROM doc_clusters GROUP BY cluster_id
)
SELECT d.doc_id, d.url, d.final_url, d.host, d.fetched_at, d.via, d.title, d.author, d.published_at,
       d.text, d.word_count, d.language, d.language_score, d.content_sha256,
       b.duplicate_of, b.kind AS duplicate_kind, b.similarity, b.containment,
       d.sitename, d.language_method, d.extractor, d.fetch_id, d.run_id,
       d.langdetect_language, d.langdetect_score, d.langid_language, d.langid_score, d.declared_language,
       c.cluster_id, coalesce(s.cluster_size, 1) AS cluster_size,
       x.duplicate_of AS cross_lingual_of, x.score AS cross_lingual_score
FROM documents d
LEFT JOIN best_pair b USING (doc_id)
LEFT JOIN best_cross x USING (doc_id)
LEFT JOIN doc_clusters c USING (doc_id)
LEFT JOIN cluster_sizes s USING (cluster_id);

-- one row per group of exact/near duplicates (2+ members), or per document with cross-lingual candidates
CREATE VIEW duplicate_clusters AS
WITH members AS (
    SELECT c.cluster_id, c.doc_id, f.kind, f.first_seen, coalesce(d.language, s.language) AS language, d.host
    FROM doc_clusters c
    JOIN fingerprints f USING (doc_id)
    LEFT JOIN documents d USING (doc_id)
    LEFT JOIN seed_docs s ON s.seed_id = c.doc_id
), crossing AS (
    SELECT m.cluster_id, count(DISTINCT x.other) AS cross_lingual_candidates
    FROM (SELECT doc_id, duplicate_of AS other FROM cross_lingual_pairs
          UNION ALL SELECT duplicate_of, doc_id FROM cross_lingual_pairs) x
    JOIN doc_clusters m ON m.doc_id = x.doc_id
    GROUP BY m.cluster_id
)
SELECT g.cluster_id, g.size, g.seeds, g.articles, g.cluster_id AS representative, g.members, g.languages,
       g.hosts, g.first_seen, g.last_seen, coalesce(x.cross_lingual_candidates, 0) AS cross_lingual_candidates
FROM (
    SELECT cluster_id, count(*) AS size, count(*) FILTER (WHERE kind = 'seed') AS seeds,
           count(*) FILTER (WHERE kind = 'article') AS articles,
           list(doc_id ORDER BY kind <> 'seed', first_seen, doc_id) AS members,
           list(DISTINCT language ORDER BY language) FILTER (WHERE language IS NOT NULL) AS languages,
           count(DISTINCT host) AS hosts, min(first_seen) AS first_seen, max(first_seen) AS last_seen
    FROM members
    GROUP BY cluster_id
) g
LEFT JOIN crossing x USING (cluster_id)
WHERE g.size > 1 OR x.cross_lingual_candidates > 0;
