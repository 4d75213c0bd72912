"""Re-fetching with a conditional GET: a 304 is recorded as not_modified and the stored article stays current."""

from flows.runs import nightly_run
from testkit.misbehaving import ENGLISH, HTML, article_page
from testkit.loopback import Reply
from warehouse.db import open_snapshot

LAST_MODIFIED = "Tue, 20 Oct 2020 08:00:00 GMT"
SEED_TEXT = ("Budget approved\n\nThe municipal council approved the new budget for road repairs after a long debate "
             "about school buses and street lighting.\nSources:\n1. {etag}\n2. {modified}\n")


def query(db, sql, *params):
    with open_snapshot(db) as con:
        return con.execute(sql, list(params)).fetchall()


def test_a_304_keeps_the_stored_article_run_after_run(server, loopback_env):
    page = article_page("Budget", ENGLISH * 3).encode()

    def by_etag(request):
        if request.headers.get("if-none-match") == '"e1"':
            return Reply(304, b"", {"ETag": '"e1"'})
        return Reply(200, page, {**HTML, "ETag": '"e1"'})

    def by_date(request):
        if request.headers.get("if-modified-since") == LAST_MODIFIED:
            return Reply(304, b"", {"Last-Modified": LAST_MODIFIED})
        return Reply(200, page.replace(b"Budget", b"Roads"), {**HTML, "Last-Modified": LAST_MODIFIED})

    etag, modified = server.route("/news/etag", by_etag), server.route("/news/date", by_date)
    seeds = loopback_env / "seeds"
    seeds.mkdir()
    (seeds / "budget.txt").write_text(SEED_TEXT.format(etag=etag, modified=modified))
    db = loopback_env / "test.duckdb"
    articles_sql = "SELECT url, doc_id, fetch_id, fetched_at, title, text FROM articles ORDER BY url"

    nightly_run(seeds_dir=str(seeds), db_path=str(db))
    stored = query(db, articles_sql)
    assert [row[0] for row in stored] == [modified, etag]

    for _ in range(2):  # the validators survive a not_modified run: the next one is conditional again
        nightly_run(seeds_dir=str(seeds), db_path=str(db), all=True)  # `run --all`: not due yet, checked anyway
        latest = query(db, "SELECT url, outcome, http_status FROM fetches "
                           "QUALIFY row_number() OVER (PARTITION BY url ORDER BY attempted_at DESC) = 1 ORDER BY url")
        assert latest == [(modified, "not_modified", 304), (etag, "not_modified", 304)]
        assert query(db, articles_sql) == stored

    assert [r.headers.get("if-none-match") for r in server.requests if r.path == "/news/etag"] == [None, '"e1"', '"e1"']
    assert [r.headers.get("if-modified-since") for r in server.requests if r.path == "/news/date"] == [
        None, LAST_MODIFIED, LAST_MODIFIED]
    assert query(db, "SELECT count(*) FROM runs WHERE status = 'completed'") == [(3,)]
