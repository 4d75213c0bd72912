-- lake schema 1: the tables of the DuckDB-file schema v13 in one piece, for a DuckLake (Parquet files
-- and a catalog). DuckLake keeps no index and refuses PRIMARY KEY and UNIQUE: uniqueness is kept by
-- the statements that write (delete-then-insert, insert where absent), as for the keyless tables of
-- migrations 007 and 012. The numbered DuckDB migrations never run on a lake; a lake's schema moves
-- by the files in this folder (lake_schema_version), and a DuckDB-file warehouse is converted
-- (warehouse/lake_convert.py). Views: warehouse/views.sql, as for a file.

CREATE TABLE anchor_postings (
    anchor VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL
);

CREATE TABLE anchor_sets (
    doc_id VARCHAR NOT NULL,
    anchors VARCHAR[] NOT NULL,
    surfaces VARCHAR[] NOT NULL
);

CREATE TABLE article_event_log (
    doc_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    "event" VARCHAR NOT NULL,
    seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR NOT NULL,
    detail VARCHAR,
    fetch_id VARCHAR,
    "version" INTEGER
);

CREATE TABLE citation_links (
    seed_id VARCHAR NOT NULL,
    "position" INTEGER NOT NULL,
    url_as_cited VARCHAR NOT NULL,
    url VARCHAR
);

CREATE TABLE cross_lingual_pairs (
    doc_id VARCHAR NOT NULL,
    duplicate_of VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    containment DOUBLE NOT NULL,
    shared_anchors INTEGER NOT NULL,
    evidence VARCHAR NOT NULL,
    detected_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE doc_clusters (
    doc_id VARCHAR NOT NULL,
    cluster_id VARCHAR NOT NULL
);

CREATE TABLE document_versions (
    doc_id VARCHAR NOT NULL,
    "version" INTEGER NOT NULL,
    fetched_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    title VARCHAR,
    "text" VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    word_count INTEGER NOT NULL,
    words_added INTEGER,
    words_removed INTEGER,
    title_changed BOOLEAN,
    run_id VARCHAR NOT NULL,
    fetch_id VARCHAR NOT NULL
);

CREATE TABLE documents (
    doc_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    final_url VARCHAR,
    host VARCHAR,
    fetch_id VARCHAR NOT NULL,
    fetched_at TIMESTAMP WITH TIME ZONE NOT NULL,
    via VARCHAR NOT NULL,
    title VARCHAR,
    author VARCHAR,
    published_at VARCHAR,
    sitename VARCHAR,
    "text" VARCHAR NOT NULL,
    word_count INTEGER NOT NULL,
    "language" VARCHAR,
    language_score DOUBLE,
    language_method VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    langdetect_language VARCHAR,
    langdetect_score DOUBLE,
    langid_language VARCHAR,
    langid_score DOUBLE,
    declared_language VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    "version" INTEGER DEFAULT(1),
    version_fetched_at TIMESTAMP WITH TIME ZONE,
    version_run_id VARCHAR,
    words_added INTEGER,
    words_removed INTEGER,
    title_changed BOOLEAN
);

CREATE TABLE duplicate_pairs (
    doc_id VARCHAR NOT NULL,
    duplicate_of VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    similarity DOUBLE NOT NULL,
    containment DOUBLE NOT NULL,
    detected_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE TABLE fetch_log (
    fetch_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    attempted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    outcome VARCHAR NOT NULL,
    http_status INTEGER,
    final_url VARCHAR,
    redirects VARCHAR[],
    content_type VARCHAR,
    bytes BIGINT,
    elapsed_ms INTEGER,
    "error" VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    via VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    warc_file VARCHAR,
    warc_offset BIGINT,
    payload_digest VARCHAR,
    snapshot_at TIMESTAMP WITH TIME ZONE,
    archive_url VARCHAR
);

CREATE TABLE fingerprints (
    doc_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    normalized_sha256 VARCHAR NOT NULL,
    minhash BLOB NOT NULL,
    shingle_count INTEGER NOT NULL,
    first_seen TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE landed_shards (
    shard_id VARCHAR NOT NULL,
    attempt VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    landed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    urls INTEGER NOT NULL,
    pages INTEGER NOT NULL
);

CREATE TABLE lsh_buckets (
    band SMALLINT NOT NULL,
    bucket BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL
);

CREATE TABLE pending_backfills (
    "name" VARCHAR NOT NULL
);

CREATE TABLE run_log (
    run_id VARCHAR NOT NULL,
    flow VARCHAR NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE,
    status VARCHAR NOT NULL,
    urls_planned INTEGER DEFAULT(0) NOT NULL,
    fetched_ok INTEGER DEFAULT(0) NOT NULL,
    failed INTEGER DEFAULT(0) NOT NULL,
    new_articles INTEGER DEFAULT(0) NOT NULL,
    duplicates INTEGER DEFAULT(0) NOT NULL,
    new_seeds INTEGER DEFAULT(0) NOT NULL,
    outcomes VARCHAR,
    languages VARCHAR,
    "error" VARCHAR,
    planned_new INTEGER,
    planned_revisit INTEGER,
    planned_retry INTEGER
);

CREATE TABLE search_backlog (
    doc_id VARCHAR NOT NULL
);

CREATE TABLE seed_docs (
    seed_id VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL,
    title VARCHAR,
    "text" VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    "language" VARCHAR,
    language_score DOUBLE,
    language_method VARCHAR,
    ingested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    run_id VARCHAR,
    langdetect_language VARCHAR,
    langdetect_score DOUBLE,
    langid_language VARCHAR,
    langid_score DOUBLE,
    declared_language VARCHAR,
    published_at DATE
);

CREATE TABLE url_schedule (
    url VARCHAR NOT NULL,
    watched BOOLEAN NOT NULL,
    state VARCHAR NOT NULL,
    next_check_at TIMESTAMP WITH TIME ZONE,
    interval_days INTEGER,
    checks INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    first_checked_at TIMESTAMP WITH TIME ZONE,
    last_checked_at TIMESTAMP WITH TIME ZONE,
    last_changed_at TIMESTAMP WITH TIME ZONE,
    failing_since TIMESTAMP WITH TIME ZONE,
    web_archive_asked BOOLEAN NOT NULL,
    run_id VARCHAR
);
