"""Dead links: looked up in the web archive once, then retried live on their own backoff."""
from datetime import timedelta

from warehouse.db import open_snapshot

from engine import jobs
from engine.inputs import read_seeds
from testkit.loopback import Reply, html_page
from testkit.revisit_month import FIRST_NIGHT, SimulatedClock, month_settings, write_seed
from testkit.wayback_standin import Snapshot, WaybackStandIn

STORY = "The envoy said the border talks would resume in spring, after the ceasefire held through winter. " * 8


def test_a_dead_link_is_asked_of_the_web_archive_once_then_retried_live(server, tmp_path):
    archived = server.url("/news/archived")   # 404 now; the archive holds a capture
    lost = server.url("/news/lost")           # 404 now; the archive holds nothing
    live = server.route("/news/live", Reply(200, html_page("Talks", [STORY]), {"Content-Type": "text/html"}))
    with WaybackStandIn() as archive:
        archive.hold(archived, Snapshot("20250220120000", html_page("Archived talks", [STORY.upper()])))
        clock = SimulatedClock()
        settings = month_settings(tmp_path, clock, wayback=True, wayback_url=archive.base)
        seeds = read_seeds(write_seed(tmp_path / "seeds", [archived, lost, live]))
        asked, served, planned = [], [], []
        for night in range(6):
            clock.now = FIRST_NIGHT + timedelta(days=night)
            before_archive, before_live = len(archive.requests), server.hits("/news/lost")
            report = jobs.run_recorded("nightly", settings, lambda w, r: jobs.nightly(w, r, seeds, settings))
            asked.append(len(archive.requests) - before_archive)
            served.append(server.hits("/news/lost") - before_live)
            planned.append(dict(report.planned))

    assert asked == [3, 0, 0, 0, 0, 0]  # two look-ups and one capture, the first night only
    assert served == [1, 1, 0, 1, 0, 0]  # the dead link retried live after 1 and 2 days (then 4)
    assert planned[1] == {"revisit": 1, "retry": 2} and planned[2] == {}
    with open_snapshot(settings.db_path) as con:
        assert con.execute("SELECT url, via, status FROM articles ORDER BY url").fetchall() == [
            (archived, "web_archive", "failing"), (live, "live", "live")]
        assert con.execute("SELECT url, state, web_archive_asked, failures FROM schedule ORDER BY url").fetchall() == [
            (archived, "failing", True, 3), (live, "live", False, 0), (lost, "failing", True, 3)]
        [(detail,)] = con.execute("SELECT detail FROM article_events WHERE url = ?", [archived]).fetchall()
        assert detail.startswith("from the web archive (captured 2025-02-20)")
