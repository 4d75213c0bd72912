-- The views analysts query: their one definition, re-created after every migration
-- (warehouse.db.connect). Names and columns are a contract: add columns at the end, never rename
-- or drop one. Migrations change tables only.

CREATE OR REPLACE VIEW seeds AS
SELECT seed_id, source_path, title, text, language, language_score, ingested_at, content_sha256,
       language_method, langdetect_language, langdetect_score, langid_language, langid_score, declared_language,
       coalesce(published_at, CAST(timezone('UTC', ingested_at) AS DATE)) AS published_at,
       CASE WHEN published_at IS NULL THEN 'ingested_at' ELSE 'text' END AS published_at_source
FROM seed_docs;

CREATE OR REPLACE VIEW citations AS
SELECT seed_id, url_as_cited, url, position
FROM citation_links;

CREATE OR REPLACE VIEW fetches AS
SELECT fetch_id, url, attempted_at, outcome, http_status, final_url, bytes, elapsed_ms, error, via, run_id,
       content_type, redirects, etag, last_modified,
       warc_file, warc_offset, payload_digest, snapshot_at, archive_url
FROM fetch_log;

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
)
SELECT d.doc_id, d.url, d.final_url, d.host, d.fetched_at, d.via, d.title, d.author, d.published_at,
       d.text, d.word_count, d.language, d.language_score, d.content_sha256,
       b.duplicate_of, b.kind AS duplicate_kind, b.similarity, b.containment,
       d.sitename, d.language_method, d.extractor, d.fetch_id, d.run_id,
       d.langdetect_language, d.langdetect_score, d.langid_language, d.langid_score, d.declared_language,
       c.cluster_id, coalesce(c.cluster_size, 1) AS cluster_size,
       x.duplicate_of AS cross_lingual_of, x.score AS cross_lingual_score,
       d.snapshot_at, d.archive_url, d.warc_file, d.warc_offset, d.payload_digest,
       coalesce(w.state, 'live') AS status, d.version, w.next_check_at, w.last_checked_at
FROM documents d
LEFT JOIN best_pair b USING (doc_id)
LEFT JOIN best_cross x USING (doc_id)
LEFT JOIN doc_clusters c USING (doc_id)
LEFT JOIN url_schedule w ON w.url = d.url;

CREATE OR REPLACE VIEW runs AS
SELECT run_id, flow, started_at, finished_at, status, urls_planned, fetched_ok, failed, new_articles,
       duplicates, new_seeds, outcomes, languages, error, planned_new, planned_revisit, planned_retry
FROM run_log;

-- one row per distinct text (or title) an article has had: its earlier versions, then its current one
CREATE OR REPLACE VIEW article_versions AS
SELECT doc_id, version, fetched_at, title, text, content_sha256, words_added, words_removed, title_changed, run_id,
       last_seen_at, word_count, fetch_id, false AS is_latest
FROM document_versions
UNION ALL
SELECT doc_id, coalesce(version, 1), coalesce(version_fetched_at, fetched_at), title, text, content_sha256,
       words_added, words_removed, title_changed, coalesce(version_run_id, run_id),
       fetched_at, word_count, fetch_id, true
FROM documents;

-- what re-fetches saw: first_seen, edited, title_changed, removed, redirected_away, blanked, restored.
-- "at" is a reserved word in DuckDB: write "at" or e.at, or use seen_at (the same value)
CREATE OR REPLACE VIEW article_events AS
SELECT doc_id, url, event, seen_at AS "at", run_id, detail, fetch_id, version, seen_at
FROM article_event_log;

-- every URL mediamon knows, with its next check; nightly runs plan the watched ones that are due
-- (due_now: as a run starting now would; core.revisit.SLACK is the 12 hours)
CREATE OR REPLACE VIEW schedule AS
SELECT url, 'doc-' || left(sha256(url), 16) AS doc_id, state,
       CASE state WHEN 'new' THEN 'new' WHEN 'live' THEN 'revisit' ELSE 'retry' END AS reason,
       next_check_at, watched AND next_check_at IS NOT NULL AND next_check_at <= now() + INTERVAL 12 HOUR AS due_now,
       interval_days, watched, checks, failures, first_checked_at, last_checked_at, last_changed_at, failing_since,
       web_archive_asked, run_id
FROM url_schedule;

-- one row per group of exact/near duplicates (2+ members), or per document with cross-lingual candidates
CREATE OR REPLACE VIEW duplicate_clusters AS
WITH crossing AS (
    SELECT m.cluster_id, count(DISTINCT x.other) AS cross_lingual_candidates
    FROM (SELECT doc_id, duplicate_of AS other FROM cross_lingual_pairs
          UNION ALL SELECT duplicate_of, doc_id FROM cross_lingual_pairs) x
    JOIN doc_clusters m ON m.doc_id = x.doc_id
    GROUP BY m.cluster_id
), shown AS (  -- the clusters shown, picked before any member is joined (most documents are alone)
    SELECT DISTINCT cluster_id FROM doc_clusters WHERE cluster_size > 1
    UNION
    SELECT cluster_id FROM crossing WHERE cross_lingual_candidates > 0
), members AS (
    SELECT c.cluster_id, c.doc_id, f.kind, f.first_seen, coalesce(d.language, s.language) AS language, d.host
    FROM doc_clusters c
    JOIN shown USING (cluster_id)
    JOIN fingerprints f USING (doc_id)
    LEFT JOIN documents d USING (doc_id)
    LEFT JOIN seed_docs s ON s.seed_id = c.doc_id
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
