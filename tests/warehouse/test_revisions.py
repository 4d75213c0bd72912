"""What a re-fetch does to a stored article: a new version, an event, never an overwrite with less."""
import hashlib
import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from core.records import Article, FetchResult, Language, Outcome, Page
from core.revisit import RevisitPolicy
from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from warehouse import Warehouse
from warehouse.revisions import doc_id_for

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
URL = "http://outlet.example/news/1"
VOCAB = ["talks", "envoy", "border", "ceasefire", "statement", "council", "summit", "corridor", "refugees"]


def text_of(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCAB) + str(rng.randint(0, 40)) for _ in range(n))


def page(text: str | None, *, title: str = "Talks resume", at: datetime = T0, outcome: Outcome = Outcome.OK,
         status: int = 200, final_url: str = URL, redirects: tuple[str, ...] = (), via: str = "live",
         url: str = URL) -> Page:
    fetch = FetchResult(url=url, attempted_at=at, outcome=outcome, http_status=status, final_url=final_url,
                        redirects=redirects, via=via, warc_file="a.warc.gz", warc_offset=int(at.timestamp()) % 9999)
    if text is None:
        return Page(fetch)
    return Page(fetch, Article(text, title, None, None, None, "test"), Language("en", 0.99, "test"), fingerprint(text),
                hashlib.sha256(text.encode()).hexdigest())


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def checked(tmp_path):
    """commit(night, page): one page committed at night ``night``; plus the warehouse and a query helper."""
    clock = Clock()
    warehouse = Warehouse.open(tmp_path / "w.duckdb", clock=clock, revisit=RevisitPolicy())
    run = warehouse.start_run("nightly")

    def commit(night: int, item: Page):
        """``item`` fetched and committed on night ``night`` (counted from 0)."""
        clock.now = T0 + timedelta(days=night)
        return warehouse.commit_batch([replace(item, fetch=replace(item.fetch, attempted_at=clock.now))], run)

    def rows(sql: str, *params):
        return warehouse.con.execute(sql, list(params)).fetchall()

    yield commit, rows, warehouse
    warehouse.close()


def events(rows) -> list[str]:
    return [e for (e,) in rows("SELECT event FROM article_events ORDER BY seen_at, event")]


def test_an_edit_keeps_the_earlier_version_and_the_article_is_the_latest(checked):
    commit, rows, _ = checked
    first, second = text_of(1), text_of(1).replace("talks", "negotiations")
    commit(0, page(first))
    commit(1, page(first))  # unchanged: no version row
    assert rows("SELECT count(*) FROM document_versions") == [(0,)]
    counts = commit(2, page(second))
    assert counts.new_articles == 1
    versions = rows("SELECT version, text, fetched_at, words_added, words_removed, title_changed, is_latest "
                    "FROM article_versions ORDER BY version")
    assert [(v, t, at, latest) for v, t, at, _, _, _, latest in versions] == [
        (1, first, T0, False), (2, second, T0 + timedelta(days=2), True)]
    changed = sum(1 for w in first.split() if w.startswith("talks"))
    assert versions[1][3:6] == (changed, changed, False)  # the replaced words, as multisets
    assert rows("SELECT text, version FROM articles") == [(second, 2)]
    assert events(rows) == ["first_seen", "edited"]
    assert rows("SELECT detail FROM article_events WHERE event = 'edited'") == [(f"+{changed} -{changed} words",)]


def test_a_title_only_edit_is_a_version_without_an_edit(checked):
    commit, rows, _ = checked
    commit(0, page(text_of(2)))
    commit(1, page(text_of(2), title="Talks resume in Geneva"))
    assert events(rows) == ["first_seen", "title_changed"]
    assert rows("SELECT version, title, title_changed, words_added FROM article_versions ORDER BY version") == [
        (1, "Talks resume", None, None), (2, "Talks resume in Geneva", True, 0)]


def test_a_headline_kept_in_the_text_does_not_make_a_title_edit_an_edit(checked):
    commit, rows, _ = checked
    commit(0, page("Talks resume\n" + text_of(3)))
    commit(1, page("Talks resume in Geneva\n" + text_of(3), title="Talks resume in Geneva"))
    assert events(rows) == ["first_seen", "title_changed"]


def test_a_removed_article_keeps_its_text_and_its_archived_bytes(checked):
    commit, rows, _ = checked
    commit(0, page(text_of(4)))
    [(fetch_id, warc_file, offset)] = rows("SELECT fetch_id, warc_file, warc_offset FROM articles")
    commit(1, page(None, outcome=Outcome.HTTP_ERROR, status=410))
    commit(2, page(None, outcome=Outcome.HTTP_ERROR, status=410))  # still gone: not a second event
    assert rows("SELECT status, text, fetch_id, warc_file, warc_offset FROM articles") == [
        ("removed", text_of(4), fetch_id, warc_file, offset)]
    assert rows("SELECT event, detail FROM article_events WHERE event <> 'first_seen'") == [("removed", "HTTP 410")]
    commit(4, page(None, outcome=Outcome.TIMEOUT, status=None))  # no verdict: still a takedown
    commit(6, page(text_of(4)))
    assert events(rows)[-1] == "restored" and rows("SELECT status, version FROM articles") == [("live", 1)]


def test_an_empty_or_error_page_after_a_good_one_is_an_event_not_an_overwrite(checked):
    commit, rows, _ = checked
    commit(0, page(text_of(5)))
    commit(1, page(None))  # 200, no article in it: empty_extraction
    assert rows("SELECT status, text FROM articles") == [("blanked", text_of(5))]
    commit(2, page(text_of(5)))
    commit(3, page("Service temporarily unavailable. Please try again later."))  # 200 with an error page
    assert rows("SELECT status, text, version FROM articles") == [("blanked", text_of(5), 1)]
    assert events(rows) == ["first_seen", "blanked", "restored", "blanked"]
    assert "7 words in place of 300" in rows("SELECT detail FROM article_events ORDER BY seen_at DESC LIMIT 1")[0][0]
    assert rows("SELECT count(*) FROM document_versions") == [(0,)]


def test_a_redirect_to_the_home_page_is_a_move_away_not_a_new_text(checked):
    commit, rows, _ = checked
    commit(0, page(text_of(6)))
    commit(1, page("Latest news from the outlet " * 30, final_url="http://outlet.example/",
                   redirects=("http://outlet.example/",)))
    assert rows("SELECT status, text FROM articles") == [("redirected_away", text_of(6))]
    assert rows("SELECT event, detail FROM article_events WHERE event <> 'first_seen'") == [
        ("redirected_away", "redirects to http://outlet.example/")]


def test_an_article_moved_to_a_new_address_is_still_the_article(checked):
    commit, rows, _ = checked
    moved = "http://outlet.example/2025/03/talks-resume"
    commit(0, page(text_of(7)))
    commit(1, page(text_of(7), final_url=moved, redirects=(moved,)))
    commit(2, page(text_of(7).replace("envoy", "mediator"), final_url=moved, redirects=(moved,)))
    assert events(rows) == ["first_seen", "edited"]
    assert rows("SELECT status, final_url, version FROM articles") == [("live", moved, 2)]


def test_a_web_archive_copy_never_replaces_a_stored_article(checked):
    commit, rows, warehouse = checked
    commit(0, page(text_of(8)))
    run = warehouse.start_run("nightly")
    warehouse.commit_batch([page(None, outcome=Outcome.HTTP_ERROR, status=404, at=T0 + timedelta(days=1)),
                            page(text_of(9), via="web_archive", at=T0 + timedelta(days=1))], run)
    assert rows("SELECT status, text FROM articles") == [("removed", text_of(8))]


def test_a_dead_link_keeps_its_web_archive_copy_and_is_asked_once(checked):
    commit, rows, warehouse = checked
    run = warehouse.start_run("nightly")
    warehouse.commit_batch([page(None, outcome=Outcome.HTTP_ERROR, status=404),
                            page(text_of(10), via="web_archive")], run)
    assert rows("SELECT state, web_archive_asked FROM schedule") == [("failing", True)]
    assert rows("SELECT via, status FROM articles") == [("web_archive", "failing")]
    assert warehouse.web_archive_done([URL, "http://outlet.example/new"]) == {URL}
    commit(1, page(None, outcome=Outcome.HTTP_ERROR, status=404))  # retried live: no takedown of what never was
    assert events(rows) == ["first_seen"]


def test_the_plan_is_the_cited_urls_due_with_why(checked):
    commit, rows, warehouse = checked
    other = "http://outlet.example/news/2"
    seed = parse_seed(f"A seed citing {URL} and {other}.", "s.txt")
    run = warehouse.start_run("nightly")
    warehouse.store_seeds([(seed, Language("en", 1.0, "t"), fingerprint(seed.text))], run)
    assert [(p.url, p.reason) for p in warehouse.plan_checks(T0)] == [(URL, "new"), (other, "new")]
    commit(0, page(text_of(11)))
    commit(0, page(None, url=other, final_url=other, outcome=Outcome.TIMEOUT, status=None))
    assert warehouse.plan_checks(T0) == []
    assert [(p.url, p.reason) for p in warehouse.plan_checks(T0 + timedelta(days=1))] == [
        (URL, "revisit"), (other, "retry")]
    assert len(warehouse.plan_checks(T0, everything=True)) == 2
    # a backfill's URL that no seed cites is not planned
    commit(0, page(text_of(12), url="http://elsewhere.example/x", final_url="http://elsewhere.example/x"))
    assert len(warehouse.plan_checks(T0 + timedelta(days=30), everything=True)) == 2


def test_a_replay_re_extracts_the_current_version_in_place(checked):
    commit, rows, warehouse = checked
    commit(0, page(text_of(13)))
    [(fetch_id,)] = rows("SELECT fetch_id FROM articles")
    replayed = page(text_of(13) + " improved")
    replayed = replace(replayed, fetch=replace(replayed.fetch, fetch_id=fetch_id))
    counts = warehouse.commit_batch([replayed], warehouse.start_run("reprocess"))
    assert counts.new_articles == 1
    assert rows("SELECT version, text FROM article_versions") == [(1, text_of(13) + " improved")]
    assert events(rows) == ["first_seen"]


def test_doc_ids_in_sql_and_python_agree(checked):
    _, rows, _ = checked
    url = "http://outlet.example/новости/1?x=ü"
    assert rows("SELECT 'doc-' || left(sha256(?), 16)", url) == [(doc_id_for(url),)]


def test_an_older_database_gets_every_url_a_place_in_the_schedule(tmp_path):
    import duckdb

    from testkit.schema_at import database_at
    from warehouse.snapshot import writer_path

    path = tmp_path / "w.duckdb"
    database_at(writer_path(path), 9)
    with duckdb.connect(str(writer_path(path))) as con:
        con.execute("INSERT INTO seed_docs (seed_id, source_path, text, content_sha256, ingested_at) "
                    "VALUES ('seed-1', 's.txt', 'seed', 'h', '2025-01-01 00:00:00+00')")
        for position, url in enumerate(["http://h/ok", "http://h/dead", "http://h/never"], start=1):
            con.execute("INSERT INTO citation_links VALUES ('seed-1', ?, ?, ?)", [position, url, url])
        for fetch_id, url, at, outcome, via in [("f1", "http://h/ok", "2025-01-01", "ok", "live"),
                                                 ("f2", "http://h/ok", "2025-01-02", "not_modified", "live"),
                                                 ("f3", "http://h/dead", "2025-01-01", "http_error", "live"),
                                                 ("f4", "http://h/dead", "2025-01-01", "not_archived", "web_archive"),
                                                 ("f5", "http://h/backfilled", "2025-01-03", "ok", "live")]:
            con.execute("INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id) "
                        "VALUES (?, ?, ?::TIMESTAMPTZ, ?, ?, 'r1')", [fetch_id, url, at + " 00:00:00+00", outcome, via])
        for doc, url, fetch_id in [("doc-ok", "http://h/ok", "f1"), ("doc-b", "http://h/backfilled", "f5")]:
            con.execute("INSERT INTO documents (doc_id, url, fetch_id, fetched_at, via, text, word_count, "
                        "content_sha256, extractor, run_id) VALUES (?, ?, ?, '2025-01-02 00:00:00+00', 'live', "
                        "'text', 1, 'h', 'x', 'r1')", [doc, url, fetch_id])
    with Warehouse.open(path) as warehouse:
        schedule = warehouse.con.execute("SELECT url, watched, state, failures, web_archive_asked, "
                                         "next_check_at IS NOT NULL FROM schedule ORDER BY url").fetchall()
        assert schedule == [("http://h/backfilled", False, "live", 0, False, True),
                            ("http://h/dead", True, "failing", 1, True, True),
                            ("http://h/never", True, "new", 0, False, True),
                            ("http://h/ok", True, "live", 0, False, True)]
        # the first run after the upgrade checks every cited URL, as every run did before it
        assert len(warehouse.plan_checks(datetime.now(timezone.utc))) == 3
        assert warehouse.con.execute("SELECT doc_id, event, version FROM article_events ORDER BY doc_id").fetchall() == [
            ("doc-b", "first_seen", 1), ("doc-ok", "first_seen", 1)]
        assert warehouse.con.execute("SELECT doc_id, version, is_latest FROM article_versions ORDER BY doc_id"
                                     ).fetchall() == [("doc-b", 1, True), ("doc-ok", 1, True)]


def test_what_counts_as_the_same_page_and_as_an_error_page():
    from warehouse.changes import is_stub, page_key, shared_share, word_changes

    assert page_key("http://www.outlet.example/news/1/") == page_key("https://outlet.example/news/1")
    assert page_key("https://outlet.example/news?id=1") != page_key("https://outlet.example/news?id=2")
    assert is_stub(9, 800) and not is_stub(9, 40) and not is_stub(150, 2000)
    assert word_changes("a b c a", "a c d d") == (2, 2)  # d twice in; a once and b out
    assert shared_share("the talks resume", "The talks resume in spring") == 1.0
    assert shared_share("the talks resume in spring", "in spring the talks resume") == 1 / 3
    assert shared_share(text_of(14), text_of(15)) < 0.1  # the same words, not the same article


def test_a_redirect_to_another_article_is_a_move_away(checked):
    commit, rows, _ = checked
    other = "http://outlet.example/news/99"
    commit(0, page(text_of(14)))
    commit(1, page(text_of(15), final_url=other, redirects=(other,)))  # another text altogether
    assert rows("SELECT status, text FROM articles") == [("redirected_away", text_of(14))]
