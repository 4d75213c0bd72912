"""The run report's figures add up: URLs planned = fetched + failed (+ not reached, when a run stops early)."""
from collections import Counter

from warehouse.db import open_snapshot
from warehouse.lake import lake_folder

from core.settings import load_settings
from engine import jobs
from engine.inputs import read_url_file
from engine.report import RunReport
from testkit.loopback import Reply, html_page
from warehouse.store import BatchCounts


def figures(report: RunReport) -> dict[str, str]:
    return {row["what"]: row["count"] for row in report.rows()}


def test_a_url_file_with_repeated_lines_and_junk_adds_up(server, loopback_env):
    page = server.route("/a", Reply(200, html_page("A page", ["Words of an article about the appeal. " * 20]),
                                    {"Content-Type": "text/html"}))
    urls = loopback_env / "urls.txt"
    urls.write_text(f"{page}\n{page}\n{server.url('/missing')}\nnot a url\nnot a url\nftp://b.example/\n"
                    "not a url\n")
    settings = load_settings()
    lines = read_url_file(urls)
    report = jobs.run_recorded("backfill", settings,
                               lambda warehouse, report: jobs.backfill(warehouse, report, lines, False, settings))
    shown = figures(report)
    fetched, failed = (int(n) for n in shown["URLs fetched / failed"].split(" / "))
    assert int(shown["URLs planned"]) == fetched + failed == 4   # the page, the 404, two distinct junk lines
    assert "URLs not reached" not in shown
    assert shown["database"] == str(lake_folder(settings.db_path)) and lake_folder(settings.db_path).is_dir()
    with open_snapshot(settings.db_path) as con:
        assert con.execute("SELECT urls_planned, fetched_ok, failed FROM runs").fetchone() == (4, 1, 3)
        assert con.execute("SELECT count(*) FROM fetches WHERE outcome = 'invalid_url'").fetchone()[0] == 2


def test_a_run_that_stopped_early_shows_what_it_did_not_reach():
    counts = BatchCounts(final_outcomes=Counter({"ok": 3, "timeout": 2}))
    shown = figures(RunReport("r", "backfill", "m.duckdb", status="interrupted", urls_planned=10, counts=counts))
    assert (shown["URLs planned"], shown["URLs fetched / failed"], shown["URLs not reached"]) == ("10", "3 / 2", "5")


def test_skipped_seed_files_are_counted_in_the_summary():
    shown = figures(RunReport("r", "nightly", "m.duckdb", seeds_seen=4, new_seeds=1, seeds_skipped=2))
    assert shown["seeds read / new"] == "4 / 1" and shown["seed files skipped (see warnings)"] == "2"
    assert "seed files skipped (see warnings)" not in figures(RunReport("r", "nightly", "m.duckdb"))
