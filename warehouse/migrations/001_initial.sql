-- 001: the first schema. Tables hold what the pipeline writes; views are what analysts query.

CREATE TABLE seed_docs (
    seed_id         VARCHAR PRIMARY KEY,        -- 'seed-' + first 16 hex of the text's SHA-256
    source_path     VARCHAR NOT NULL,
    title           VARCHAR,
    text            VARCHAR NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    language        VARCHAR,
    language_score  DOUBLE,
    language_method VARCHAR,
    ingested_at     TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR
);

CREATE TABLE citation_links (
    seed_id      VARCHAR NOT NULL,
    position     INTEGER NOT NULL,               -- order in the seed's text, from 1
    url_as_cited VARCHAR NOT NULL,
    url          VARCHAR,                        -- canonical form; NULL when not a usable URL
    PRIMARY KEY (seed_id, position)
);

CREATE TABLE fetch_log (
    fetch_id      VARCHAR PRIMARY KEY,
    url           VARCHAR NOT NULL,
    attempted_at  TIMESTAMPTZ NOT NULL,
    outcome       VARCHAR NOT NULL,
    http_status   INTEGER,
    final_url     VARCHAR,
    redirects     VARCHAR[],
    content_type  VARCHAR,
    bytes         BIGINT,
    elapsed_ms    INTEGER,
    error         VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    via           VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL
);

-- one row per URL: the latest extraction replaces the previous one
CREATE TABLE documents (
    doc_id          VARCHAR PRIMARY KEY,         -- 'doc-' + first 16 hex of the URL's SHA-256
    url             VARCHAR NOT NULL UNIQUE,
    final_url       VARCHAR,
    host            VARCHAR,
    fetch_id        VARCHAR NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL,
    via             VARCHAR NOT NULL,
    title           VARCHAR,
    author          VARCHAR,
    published_at    VARCHAR,
    sitename        VARCHAR,
    text            VARCHAR NOT NULL,
    word_count      INTEGER NOT NULL,
    language        VARCHAR,
    language_score  DOUBLE,
    language_method VARCHAR,
    content_sha256  VARCHAR NOT NULL,            -- SHA-256 of the extracted text as stored
    extractor       VARCHAR NOT NULL,            -- extractor name and version
    run_id          VARCHAR NOT NULL
);

-- seeds and documents share one id space here
CREATE TABLE fingerprints (
    doc_id            VARCHAR PRIMARY KEY,
    kind              VARCHAR NOT NULL,          -- 'seed' or 'article'
    normalized_sha256 VARCHAR NOT NULL,          -- exact-duplicate key
    minhash           BLOB NOT NULL,             -- 128 x uint32 MinHash of 5-word shingles
    shingle_count     INTEGER NOT NULL,
    first_seen        TIMESTAMPTZ NOT NULL
);

-- the persisted LSH index: one row per (document, band)
CREATE TABLE lsh_buckets (
    band   SMALLINT NOT NULL,
    bucket BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL
);

CREATE TABLE duplicate_pairs (
    doc_id       VARCHAR NOT NULL,               -- the later document
    duplicate_of VARCHAR NOT NULL,               -- a seed or an earlier document
    kind         VARCHAR NOT NULL,               -- 'exact' or 'near'
    similarity   DOUBLE NOT NULL,               -- estimated Jaccard of 5-word shingle sets
    containment  DOUBLE NOT NULL,               -- estimated share of the shorter text inside the longer
    detected_at  TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, duplicate_of)
);

CREATE TABLE run_log (
    run_id        VARCHAR PRIMARY KEY,
    flow          VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,              -- running, completed, failed
    urls_planned  INTEGER NOT NULL DEFAULT 0,
    fetched_ok    INTEGER NOT NULL DEFAULT 0,
    failed        INTEGER NOT NULL DEFAULT 0,
    new_articles  INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    new_seeds     INTEGER NOT NULL DEFAULT 0,
    outcomes      VARCHAR,                       -- JSON object: outcome -> attempts
    languages     VARCHAR,                       -- JSON object: language -> new articles
    error         VARCHAR
);
