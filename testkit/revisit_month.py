"""Nightly runs over a scripted outlet with a simulated clock (no sleeping): the revisit schedule's
month, as the test (tests/engine/test_revisit_month.py, small) and the benchmark
(benchmarks/revisit_month.py, full size) run it. Plain engine functions, no Prefect.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warehouse.db import open_snapshot

from core.settings import Settings
from engine import jobs
from engine.inputs import read_seeds
from engine.report import RunReport
from testkit.outlet import ScriptedOutlet

FIRST_NIGHT = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)


class SimulatedClock:
    """A clock that says what it is told: ``Settings(clock=...)`` of a simulated month."""

    def __init__(self, now: datetime = FIRST_NIGHT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def month_settings(folder: Path, clock: SimulatedClock, **changes: object) -> Settings:
    """Settings for runs against the loopback outlet: no pacing, one process, the simulated clock."""
    return replace(Settings(), **{
        "db_path": folder / "month.duckdb", "archive_dir": folder / "archive", "allow_hosts": ("127.0.0.1",),
        "per_host_delay": 0.0, "per_host_concurrency": 8, "fetch_workers": 8, "wayback": False, "cpu_workers": 1,
        "read_timeout": 10.0, "total_timeout": 20.0, "clock": clock, **changes})


def write_seed(folder: Path, urls: list[str]) -> Path:
    """A seeds folder with one seed citing ``urls``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outlet.txt").write_text("Coverage of the talks, as the outlet reported it:\n" + "\n".join(urls) + "\n")
    return folder


def month_night(night: int) -> datetime:
    """When night ``night`` (from 1) of the simulated month runs."""
    return FIRST_NIGHT + timedelta(days=night - 1)


def run_night(outlet: ScriptedOutlet, settings: Settings, seeds_dir: Path, clock: SimulatedClock,
              night: int, everything: bool = False) -> tuple[RunReport, int]:
    """Night ``night`` (from 1): the clock set, the outlet's scripted changes made, one nightly run;
    the run's report and the requests the outlet received during it."""
    clock.now = month_night(night)
    outlet.night(night)
    seeds = read_seeds(seeds_dir)
    before = len(outlet.server.requests)
    report = jobs.run_recorded("nightly", settings,
                               lambda warehouse, report: jobs.nightly(warehouse, report, seeds, settings, everything))
    return report, len(outlet.server.requests) - before


def month_problems(db: Path, outlet: ScriptedOutlet) -> list[str]:
    """Every way the published database differs from what the script says mediamon must have seen:
    each article's events and number of versions (so no unchanged article has a second version)."""
    urls = outlet.urls()
    with open_snapshot(db) as con:
        events: dict[str, Counter] = {}
        for url, event in con.execute("SELECT url, event FROM article_events").fetchall():
            events.setdefault(url, Counter())[event] += 1
        versions = dict(con.execute("SELECT a.url, count(*) FROM article_versions v JOIN articles a USING (doc_id) "
                                    "GROUP BY a.url").fetchall())
    problems = []
    for index, url in enumerate(urls):
        if events.get(url, Counter()) != outlet.expected_events(index):
            problems.append(f"article {index}: events {dict(events.get(url, {}))}, "
                            f"script {dict(outlet.expected_events(index))}")
        if versions.get(url, 0) != outlet.expected_versions(index):
            problems.append(f"article {index}: {versions.get(url, 0)} versions, script {outlet.expected_versions(index)}")
    return problems
