-- 003: duplicate clusters, cross-lingual candidates, and the anchor index behind them.
-- Rows for documents indexed before this migration are filled in after the upgrade (migration 009,
-- warehouse.dedupe.index_backlog): anchors need Python.

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
