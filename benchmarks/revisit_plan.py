"""A nightly run over a warehouse of settled articles plans only the due ones.

    python -m benchmarks.revisit_plan                  # 100,000 articles, then one nightly run (about 1 min)
    python -m benchmarks.revisit_plan --articles 1000000 --plan-only --memory-limit 1GB   # at a million

A warehouse of ``--articles`` stored articles, every one cited by a seed and settled: unchanged for
60 days, at the longest wait (MEDIAMON_REVISIT_MAX_DAYS, 16 days), their next checks spread over the
next 16 days. It is built with bulk SQL inserts (no fetching). Printed: how many URLs tonight's plan
holds and the plan's time (median of 5), beside planning every cited URL as runs did before the
schedule. Then (without ``--plan-only``) one nightly run (engine functions, no Prefect) against a
loopback outlet serving every article (a 304 to each conditional GET): the requests it received.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from testkit.loopback import LoopbackServer, Reply
from testkit.revisit_month import FIRST_NIGHT, SimulatedClock, month_settings

SEED = "INSERT INTO seed_docs (seed_id, source_path, text, content_sha256, ingested_at) VALUES ('seed-bulk', " \
       "'bulk.txt', 'a seed citing every article', 'h', $now - INTERVAL 60 DAY)"
CITATIONS = "INSERT INTO citation_links SELECT 'seed-bulk', i + 1, $base || i, $base || i FROM range($n) t(i)"
DOCUMENTS = """
INSERT INTO documents (doc_id, url, final_url, host, fetch_id, fetched_at, via, title, text, word_count,
                       content_sha256, extractor, run_id, etag, version, version_fetched_at, version_run_id)
SELECT 'doc-' || left(sha256($base || i), 16), $base || i, $base || i, '127.0.0.1', md5(i::VARCHAR),
       $now - INTERVAL 60 DAY, 'live', 'Article ' || i, 'The text of article ' || i, 4, md5('text' || i),
       'bulk', 'run-bulk', '"e' || i || '"', 1, $now - INTERVAL 60 DAY, 'run-bulk'
FROM range($n) t(i)
"""
# settled: unchanged for 60 days, at the 16-day wait; the next checks spread over the next 16 days
SCHEDULE = """
INSERT INTO url_schedule (url, watched, state, next_check_at, interval_days, checks, failures, first_checked_at,
                          last_checked_at, last_changed_at, failing_since, web_archive_asked, run_id)
SELECT $base || i, true, 'live', $now + to_minutes(CAST((i * 7919) % (16 * 24 * 60) AS BIGINT)), 16, 6, 0,
       $now - INTERVAL 60 DAY, $now - INTERVAL 14 DAY, $now - INTERVAL 60 DAY, NULL, false, 'run-bulk'
FROM range($n) t(i)
"""


def build(settings, n: int, base: str) -> None:
    from engine.jobs import open_warehouse

    with open_warehouse(settings) as warehouse:
        for statement in (SEED, CITATIONS, DOCUMENTS, SCHEDULE):
            parameters = {"now": FIRST_NIGHT, "base": base, "n": n}
            warehouse.con.execute(statement, {k: v for k, v in parameters.items()
                                              if re.search(rf"\${k}\b", statement)})
        warehouse.con.execute("CHECKPOINT")


def timed(work, repeat: int = 5) -> tuple[float, object]:
    result, times = None, []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--plan-only", action="store_true", help="time the plan; no nightly run")
    parser.add_argument("--memory-limit", default=None,
                        help="the writer's DuckDB memory cap (default MEDIAMON_DB_MEMORY_LIMIT's, 128MB: the "
                             "documents table's keys need more beyond about 500k articles)")
    options = parser.parse_args()
    from engine import jobs

    n = options.articles
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer() as server:
        clock = SimulatedClock()
        settings = month_settings(Path(tmp), clock, batch_size=500, fetch_workers=16, per_host_concurrency=16)
        settings = settings.replace(db_memory_limit=options.memory_limit)
        base = server.url("/a/")
        started = time.perf_counter()
        build(settings, n, base)
        print(f"built {n:,} settled articles (bulk SQL) in {time.perf_counter() - started:.1f}s; "
              f"writer memory cap {settings.db_memory_limit}")
        with jobs.open_warehouse(settings) as warehouse:
            plan_ms, plan = timed(lambda: warehouse.plan_checks(clock()))
            all_ms, cited = timed(lambda: warehouse.cited_urls())
        print(f"tonight's plan: {len(plan):,} of {n:,} URLs ({len(plan) / n:.1%}), planned in {plan_ms:.1f} ms "
              f"(median of 5); every cited URL, as before the schedule: {len(cited):,} in {all_ms:.1f} ms")
        if not options.plan_only:
            night(server, settings, n, Path(tmp))
    print("command: python -m benchmarks.revisit_plan " + " ".join(sys.argv[1:]))
    return 0


def night(server: LoopbackServer, settings, articles: int, folder: Path) -> None:
    """One nightly run, every article answering 304 to its conditional GET."""
    from engine import jobs
    from engine.inputs import read_seeds

    def not_modified(request):
        return Reply(304, b"", {"ETag": request.headers.get("if-none-match", '"x"')})

    server.routes.update({f"/a/{i}": not_modified for i in range(articles)})
    (folder / "seeds").mkdir()
    (folder / "seeds" / "tonight.txt").write_text("Tonight's seed, citing nothing new.\n")
    seeds = read_seeds(folder / "seeds")
    before, started = len(server.requests), time.perf_counter()
    report = jobs.run_recorded("nightly", settings, lambda w, r: jobs.nightly(w, r, seeds, settings))
    wall, requests = time.perf_counter() - started, len(server.requests) - before
    print(f"nightly run: planned {report.urls_planned:,} ({', '.join(f'{k} {v}' for k, v in report.planned.items())}), "
          f"the outlet received {requests:,} requests (robots.txt included), outcomes "
          f"{dict(report.counts.outcomes)}, wall {wall:.1f}s")


if __name__ == "__main__":
    sys.exit(main())
