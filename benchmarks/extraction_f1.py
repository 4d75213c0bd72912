"""Article-body F1 on the article-extraction benchmark (181 pages, hand-made ground truth).

The benchmark's published method: ``\\w+`` tokens, 4-token shingles counted with multiplicity,
per-page TP/FP/FN normalised to sum to 1, precision and recall averaged over pages, F1 from
the two averages.

    python -m benchmarks.extraction_f1            # backfill via loopback, then score; also scores bare trafilatura

It serves the pages from ../shared/corpus/aeb on 127.0.0.1, runs ``mediamon backfill`` (the
Prefect flow) into a temporary DuckDB file, and scores ``articles.text`` against the ground truth.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from testkit.extraction_score import score


def main() -> int:
    from testkit.corpus import aeb_available, aeb_dir, load_aeb

    if not aeb_available():
        print(f"needs the benchmark at {aeb_dir()}", file=sys.stderr)
        return 2
    from warehouse.db import open_snapshot
    import trafilatura

    from testkit.loopback import LoopbackServer, Reply

    pages = load_aeb()
    truth = {k: v["articleBody"] for k, v in pages.items()}

    started = time.perf_counter()
    bare = {k: trafilatura.extract(v["html"].decode("utf-8")) or "" for k, v in pages.items()}
    bare_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp, LoopbackServer() as server:
        by_url = {server.route(f"/aeb/{k}.html", Reply(200, v["html"], {"Content-Type": "text/html; charset=utf-8"})): k
                  for k, v in pages.items()}
        urls_file = Path(tmp) / "urls.txt"
        urls_file.write_text("\n".join(by_url) + "\n")
        db = Path(tmp) / "bench.duckdb"
        os.environ.update({"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
                           "MEDIAMON_PER_HOST_CONCURRENCY": "8", "PREFECT_LOGGING_LEVEL": "WARNING",
                           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
        from flows.runs import backfill_urls

        started = time.perf_counter()
        backfill_urls(urls_file=str(urls_file), db_path=str(db))
        pipeline_seconds = time.perf_counter() - started
        with open_snapshot(db) as con:
            stored = {by_url[url]: text for url, text in con.execute("SELECT url, text FROM articles").fetchall()}

    for name, predicted, seconds in (("mediamon backfill", stored, pipeline_seconds),
                                     ("bare trafilatura.extract", bare, bare_seconds)):
        s = score(truth, predicted)
        print(f"{name:<26} F1={s['f1']:.4f}  precision={s['precision']:.4f}  recall={s['recall']:.4f}  "
              f"pages={s['pages']}  empty={s['empty_predictions']}  wall={seconds:.1f}s")
    print("command: python -m benchmarks.extraction_f1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
