-- 011: revisits. Nightly runs fetch only what is due (url_schedule); an article's earlier texts are
-- kept when a re-fetch finds a new one (document_versions); what re-fetches saw is logged
-- (article_event_log). The vocabularies are core.revisit.UrlState and warehouse.changes.ArticleEvent.

-- one row per URL mediamon knows: cited by a seed (watched), or fetched by a backfill. No key: DuckDB
-- holds a key's index in memory inside the writer's cap (see 007); the writer replaces a batch's rows
-- (DELETE + INSERT in the batch's transaction) and adds a URL only when it has no row.
CREATE TABLE url_schedule (
    url               VARCHAR NOT NULL,
    watched           BOOLEAN NOT NULL,      -- a seed cites it: nightly runs plan it
    state             VARCHAR NOT NULL,      -- what its last check found: new, live, unreachable, removed, ...
    next_check_at     TIMESTAMPTZ,           -- NULL: no check planned (settled, given up, invalid)
    interval_days     INTEGER,               -- the wait that led to next_check_at
    checks            INTEGER NOT NULL,
    failures          INTEGER NOT NULL,      -- failed checks in a row
    first_checked_at  TIMESTAMPTZ,
    last_checked_at   TIMESTAMPTZ,
    last_changed_at   TIMESTAMPTZ,           -- its article first seen, last changed, or back after a takedown
    failing_since     TIMESTAMPTZ,           -- the first failed check in a row
    web_archive_asked BOOLEAN NOT NULL,      -- the web archive answered for it once: not asked again
    run_id            VARCHAR                -- the run of the last check
);

-- the texts an article had before its current one (the current one is its documents row): a row only
-- when a re-fetch extracts another text or title, so an unchanged article costs nothing here
CREATE TABLE document_versions (
    doc_id         VARCHAR NOT NULL,
    version        INTEGER NOT NULL,         -- 1 is the first text seen
    fetched_at     TIMESTAMPTZ NOT NULL,     -- first fetched with this text
    last_seen_at   TIMESTAMPTZ NOT NULL,     -- last fetched with this text
    title          VARCHAR,
    text           VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    word_count     INTEGER NOT NULL,
    words_added    INTEGER,                  -- against the version before (NULL for version 1)
    words_removed  INTEGER,
    title_changed  BOOLEAN,
    run_id         VARCHAR NOT NULL,         -- the run that first fetched this text
    fetch_id       VARCHAR NOT NULL          -- the last fetch with this text: its bytes in the raw archive
);

-- the current version's own columns, beside its text
ALTER TABLE documents ADD COLUMN version INTEGER DEFAULT 1;
ALTER TABLE documents ADD COLUMN version_fetched_at TIMESTAMPTZ;
ALTER TABLE documents ADD COLUMN version_run_id VARCHAR;
ALTER TABLE documents ADD COLUMN words_added INTEGER;
ALTER TABLE documents ADD COLUMN words_removed INTEGER;
ALTER TABLE documents ADD COLUMN title_changed BOOLEAN;
UPDATE documents SET version = 1, version_fetched_at = coalesce(f.first_seen, documents.fetched_at),
                     version_run_id = documents.run_id
FROM (SELECT d.doc_id, f.first_seen FROM documents d LEFT JOIN fingerprints f USING (doc_id)) f
WHERE f.doc_id = documents.doc_id;

CREATE TABLE article_event_log (
    doc_id   VARCHAR NOT NULL,
    url      VARCHAR NOT NULL,
    event    VARCHAR NOT NULL,               -- first_seen, edited, title_changed, removed, redirected_away, blanked, restored
    seen_at  TIMESTAMPTZ NOT NULL,           -- when the fetch that saw it was made (the view's "at")
    run_id   VARCHAR NOT NULL,
    detail   VARCHAR,
    fetch_id VARCHAR,                        -- that fetch (fetches.fetch_id)
    version  INTEGER                         -- the article's version after it
);

ALTER TABLE run_log ADD COLUMN planned_new INTEGER;      -- URLs never checked
ALTER TABLE run_log ADD COLUMN planned_revisit INTEGER;  -- live articles due a check
ALTER TABLE run_log ADD COLUMN planned_retry INTEGER;    -- failed URLs due a retry

-- what the fetch log says of each URL so far: every stored article and cited URL is due at the next
-- nightly run (as every run fetched them before this migration), and grows its waits from there
CREATE TEMP TABLE url_history AS
SELECT url, min(attempted_at) AS first_at, max(attempted_at) AS last_at, count(DISTINCT run_id) AS runs,
       min(attempted_at) FILTER (WHERE outcome = 'ok') AS first_ok,
       coalesce(bool_or(via = 'web_archive' AND outcome IN ('ok', 'not_archived')), false) AS asked,
       arg_max(outcome, attempted_at) AS last_outcome, arg_max(run_id, attempted_at) AS last_run
FROM fetch_log
GROUP BY url;

INSERT INTO url_schedule (url, watched, state, next_check_at, interval_days, checks, failures, first_checked_at,
                          last_checked_at, last_changed_at, failing_since, web_archive_asked, run_id)
WITH cited AS (
    SELECT DISTINCT url FROM citation_links WHERE url IS NOT NULL
), known AS (
    SELECT url FROM cited UNION SELECT url FROM url_history
), judged AS (
    SELECT k.url, c.url IS NOT NULL AS watched, h.*, d.doc_id, d.version_fetched_at,
           CASE WHEN d.doc_id IS NOT NULL AND d.via <> 'web_archive' THEN 'live'
                WHEN h.url IS NULL THEN 'new'
                WHEN h.last_outcome = 'invalid_url' AND d.doc_id IS NULL THEN 'invalid'
                ELSE 'failing' END AS state
    FROM known k
    LEFT JOIN cited c ON c.url = k.url
    LEFT JOIN url_history h ON h.url = k.url
    LEFT JOIN documents d ON d.url = k.url
)
SELECT url, watched, state, CASE WHEN state = 'invalid' THEN NULL ELSE now() END,
       CASE WHEN state IN ('new', 'invalid') THEN NULL ELSE 1 END, coalesce(runs, 0),
       CASE WHEN state = 'failing' THEN 1 ELSE 0 END, first_at, last_at,
       CASE WHEN doc_id IS NOT NULL THEN version_fetched_at END, CASE WHEN state = 'failing' THEN first_at END,
       coalesce(asked, false), last_run
FROM judged;

INSERT INTO article_event_log (doc_id, url, event, seen_at, run_id, detail, fetch_id, version)
SELECT d.doc_id, d.url, 'first_seen', coalesce(h.first_ok, d.version_fetched_at), d.version_run_id,
       'stored before revisits were tracked (migration 011)', d.fetch_id, 1
FROM documents d
LEFT JOIN url_history h ON h.url = d.url;

DROP TABLE url_history;
