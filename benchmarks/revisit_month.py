"""A simulated month of nightly runs over a loopback outlet whose articles change on a script.

    python -m benchmarks.revisit_month      # 300 articles, 30 nights (about 1 min)

The outlet (testkit.outlet.month_script) edits some articles once or twice, retitles some, removes
10 (2 come back), redirects 3 to its home page and blanks 2; the rest never change. Each night sets
a simulated clock (no sleeping), makes that night's changes and runs the nightly job (engine
functions, no Prefect). Printed: the requests the outlet received each night (the curve), what each
night planned and saw, the last night against the first, and whether every scripted change is in
article_events and article_versions with no extra version (the exit status says so too).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


from testkit.loopback import LoopbackServer
from testkit.outlet import ScriptedOutlet, month_script
from testkit.revisit_month import SimulatedClock, month_problems, month_settings, run_night, write_seed
from warehouse.db import open_snapshot


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--nights", type=int, default=30)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, LoopbackServer() as server:
        folder = Path(tmp)
        outlet = ScriptedOutlet(server, options.articles, month_script(options.articles))
        clock = SimulatedClock()
        settings = month_settings(folder, clock)
        seeds = write_seed(folder / "seeds", outlet.urls())
        curve, started = [], time.perf_counter()
        print("night  requests  planned new/revisit/retry  events")
        for night in range(1, options.nights + 1):
            report, requests = run_night(outlet, settings, seeds, clock, night)
            curve.append(requests)
            planned = "/".join(str(report.planned[reason]) for reason in ("new", "revisit", "retry"))
            print(f"{night:5}  {requests:8}  {planned:>25}  {night_events(settings.db_path, report.run_id)}")
        wall = time.perf_counter() - started
        problems = month_problems(settings.db_path, outlet)
        summary(settings.db_path, curve, options)
    print(f"wall {wall:.1f}s for {options.nights} nights")
    print("every scripted change is in article_events and article_versions, and no other version: "
          + ("yes" if not problems else f"NO ({len(problems)} differences)"))
    for problem in problems[:20]:
        print("  " + problem)
    print("command: python -m benchmarks.revisit_month " + " ".join(sys.argv[1:]))
    return 1 if problems else 0


def night_events(db: Path, run_id: str) -> str:
    with open_snapshot(db) as con:
        rows = con.execute("SELECT event, count(*) FROM article_events WHERE run_id = ? GROUP BY event "
                           "ORDER BY event", [run_id]).fetchall()
    return ", ".join(f"{event} {n}" for event, n in rows)


def summary(db: Path, curve: list[int], options) -> None:
    weeks = [sum(curve[start : start + 7]) for start in range(0, len(curve), 7)]
    print(f"curve (requests a night): {curve}")
    print(f"requests a week: {weeks} (of {sum(curve)}; every URL every night would be "
          f"{len(curve) * (options.articles + 1)})")
    print(f"last night / first night: {curve[-1]} / {curve[0]} = {curve[-1] / curve[0]:.1%}")
    with open_snapshot(db) as con:
        q = lambda sql: con.execute(sql).fetchone()  # noqa: E731
        print("version rows kept: {} for {} articles ({} with more than one version)".format(
            *q("SELECT count(*), (SELECT count(*) FROM articles), (SELECT count(DISTINCT doc_id) FROM "
               "document_versions) FROM document_versions")))
        print("schedule: " + ", ".join(f"{state} {n}" for state, n in con.execute(
            "SELECT state, count(*) FROM schedule GROUP BY state ORDER BY count(*) DESC").fetchall()))


if __name__ == "__main__":
    sys.exit(main())
