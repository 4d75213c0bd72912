"""End to end: the Prefect flows against a loopback server, checked through the analyst views."""

from testkit.extraction_score import score
from flows.runs import backfill_urls, nightly_run
from tests.conftest import serve_aeb
from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot

APPEAL = ("Diaspora organizations operating in various countries of the world strongly protest against the "
          "presidential election of the so-called regime. The appeals issued by our compatriots and diaspora "
          "organizations call on the international community to intervene urgently to prevent the inauguration "
          "ceremony. Hundreds of statuses were shared on the social network due to the appeal, protests were "
          "expressed and the process continues. Many countries around the world, including the European Union, "
          "declared the elections a purposeful provocation and an irresponsible political step.")
OTHER = ("The municipal council approved the new budget for road repairs on Tuesday evening after a long debate "
         "about school buses, street lighting and the renovation of the central library building downtown.")


def views(db):
    with open_snapshot(db) as con:
        count = {v: con.execute(f"SELECT count(*) FROM {v}").fetchone()[0]
                 for v in ("seeds", "citations", "fetches", "articles", "duplicates", "runs")}
        return con, count


def query(db, sql, *params):
    with open_snapshot(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_nightly_run_end_to_end(server, loopback_env):
    html = {"Content-Type": "text/html; charset=utf-8"}
    republished = server.route("/news/appeal", Reply(200, html_page("Appeal", [APPEAL, "Source: diaspora."]),
                                                     {**html, "ETag": '"a1"'}))
    other = server.route("/news/budget", Reply(200, html_page("Budget", [OTHER * 3]), html))
    pdf = server.route("/files/report.pdf", Reply(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}))
    dead = server.url("/gone")
    seeds = loopback_env / "seeds"
    seeds.mkdir()
    (seeds / "appeal.txt").write_text(
        f"The appeal\n\n{APPEAL}\nRepublished at:\n1. {republished}\n2. {other},\n3. ({pdf})\n4. {dead}.\n")
    db = loopback_env / "test.duckdb"

    report = nightly_run(seeds_dir=str(seeds), db_path=str(db))
    assert report.status == "completed" and report.new_seeds == 1 and report.urls_planned == 4

    _, count = views(db)
    assert count == {"seeds": 1, "citations": 4, "fetches": 4, "articles": 2, "duplicates": 1, "runs": 1}
    outcomes = dict(query(db, "SELECT url, outcome FROM fetches"))
    assert outcomes == {republished: "ok", other: "ok", pdf: "not_html", dead: "http_error"}
    [(seed_id,)] = query(db, "SELECT seed_id FROM seeds")
    assert query(db, "SELECT duplicate_of, duplicate_kind FROM articles WHERE url = ?", republished) == [
        (seed_id, "near")]
    assert query(db, "SELECT duplicate_of FROM articles WHERE url = ?", other) == [(None,)]
    assert query(db, "SELECT language, title, content_sha256 IS NOT NULL, word_count > 50 FROM articles "
                     "WHERE url = ?", republished) == [("en", "Appeal", True, True)]
    assert query(db, "SELECT status, urls_planned, fetched_ok, failed, new_articles, duplicates, planned_new, "
                     "planned_revisit, planned_retry FROM runs") == [("completed", 4, 2, 2, 2, 1, 4, 0, 0)]

    # a second run the same night finds nothing due: no request at all
    served = len(server.requests)
    again = nightly_run(seeds_dir=str(seeds), db_path=str(db))
    assert again.status == "completed" and again.urls_planned == 0 and len(server.requests) == served

    # `run --all` re-checks every cited URL: no seed or citation rows, only fetch attempts; the ETag makes
    # one a conditional GET, and the two articles stay at their first version
    second = nightly_run(seeds_dir=str(seeds), db_path=str(db), all=True)
    assert second.new_seeds == 0 and second.urls_planned == 4
    _, count = views(db)
    assert count == {"seeds": 1, "citations": 4, "fetches": 8, "articles": 2, "duplicates": 1, "runs": 3}
    conditional = [r for r in server.requests if r.path == "/news/appeal"][-1]
    assert conditional.headers.get("if-none-match") == '"a1"'
    assert query(db, "SELECT planned_new, planned_revisit, planned_retry FROM runs ORDER BY started_at DESC "
                     "LIMIT 1") == [(0, 2, 2)]
    assert query(db, "SELECT count(*), max(version) FROM article_versions") == [(2, 1)]


def test_backfill_of_the_benchmark_pages_scores_like_trafilatura(server, loopback_env, aeb_pages):
    by_url = serve_aeb(server, aeb_pages)
    urls_file = loopback_env / "urls.txt"
    urls_file.write_text("# the 181 benchmark pages\n\n" + "\n".join(by_url) + "\nnot a url at all\n")
    db = loopback_env / "test.duckdb"

    report = backfill_urls(urls_file=str(urls_file), db_path=str(db))
    assert report.urls_planned == 182 and report.counts.new_articles == 181

    assert query(db, "SELECT url, outcome FROM fetches WHERE outcome <> 'ok'") == [("not a url at all", "invalid_url")]
    stored = {by_url[url]: text for url, text in query(db, "SELECT url, text FROM articles")}
    result = score({k: v["articleBody"] for k, v in aeb_pages.items()}, stored)
    assert result["f1"] >= 0.953, result

    # a second backfill of the same file fetches nothing new unless asked to
    again = backfill_urls(urls_file=str(urls_file), db_path=str(db))
    assert again.urls_planned == 1 and again.counts.new_articles == 0
