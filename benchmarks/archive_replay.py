"""The raw archive's size and the speed of reprocess against the live backfill, on the same pages.

    python -m benchmarks.archive_replay [--copies N]

Serves the 181 article-extraction-benchmark pages from ../shared/corpus/aeb on 127.0.0.1 (each under
N URLs with ``--copies``), runs ``mediamon backfill`` (the Prefect flow, capturing every exchange to
WARC) into a temporary folder, stops the server, then runs ``mediamon reprocess`` from the archive.
Prints the archive's bytes per 1,000 pages, pages/s of each run, their ratio, and checks that every
article came back with the same content_sha256.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1, help="serve each page under this many URLs")
    args = parser.parse_args()
    from testkit.corpus import aeb_html_or_say_why

    pages = aeb_html_or_say_why()
    if pages is None:
        return 2
    from warehouse.db import open_snapshot

    from testkit.loopback import LoopbackServer, serve_pages

    with tempfile.TemporaryDirectory() as tmp:
        db, archive = Path(tmp) / "bench.duckdb", Path(tmp) / "archive"
        os.environ.update({"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
                           "MEDIAMON_PER_HOST_CONCURRENCY": "8", "MEDIAMON_ARCHIVE_DIR": str(archive),
                           "MEDIAMON_WAYBACK": "off", "PREFECT_LOGGING_LEVEL": "WARNING",
                           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
        from flows.replay import reprocess
        from flows.runs import backfill_urls
        from prefect import flow

        flow(name="warm-up")(lambda: None)()  # Prefect's local server starts here, outside the timings

        with LoopbackServer() as server:
            urls = serve_pages(server, pages, args.copies)
            (Path(tmp) / "urls.txt").write_text("\n".join(urls) + "\n")
            started = time.perf_counter()
            live = backfill_urls(urls_file=str(Path(tmp) / "urls.txt"), db_path=str(db))
            live_seconds = time.perf_counter() - started
        with open_snapshot(db) as con:
            before = dict(con.execute("SELECT url, content_sha256 FROM articles").fetchall())
        # the server is gone: only the archive is read. Once on one core (analysis in this process),
        # then on every core (the analysis pool), each timed in this run
        os.environ["MEDIAMON_CPU_WORKERS"] = "1"
        started = time.perf_counter()
        reprocess(db_path=str(db))
        one_core_seconds = time.perf_counter() - started
        with open_snapshot(db) as con:
            after_one_core = dict(con.execute("SELECT url, content_sha256 FROM articles").fetchall())
        del os.environ["MEDIAMON_CPU_WORKERS"]
        started = time.perf_counter()
        replay = reprocess(db_path=str(db))
        replay_seconds = time.perf_counter() - started
        with open_snapshot(db) as con:
            after = dict(con.execute("SELECT url, content_sha256 FROM articles").fetchall())
        archive_bytes = sum(p.stat().st_size for p in archive.glob("*.warc.gz"))

    n = live.counts.outcomes.get("ok", 0)
    html_bytes = sum(len(body) for body in pages.values()) * args.copies
    print(f"pages: {n} ({len(pages)} benchmark pages x {args.copies}), articles reproduced with the same "
          f"content_sha256: {sum(after.get(u) == h for u, h in before.items())}/{len(before)}")
    print(f"archive: {archive_bytes:,} bytes = {archive_bytes / n * 1000 / 2**20:.1f} MiB per 1,000 pages "
          f"(the pages' HTML: {html_bytes / n * 1000 / 2**20:.1f} MiB per 1,000; WARC gzip, with requests and robots.txt)")
    print(f"live backfill (loopback, capture on): {live_seconds:.1f} s = {n / live_seconds:.1f} pages/s")
    print(f"reprocess (archive only, no network): {replay_seconds:.1f} s = {replay.urls_planned / replay_seconds:.1f} "
          f"pages/s ({replay_seconds and live_seconds / replay_seconds:.2f}x the live backfill's speed)")
    print(f"reprocess on one core (MEDIAMON_CPU_WORKERS=1): {one_core_seconds:.1f} s; on {os.cpu_count()} cores: "
          f"{replay_seconds:.1f} s = {replay_seconds / one_core_seconds:.2f} of the one-core wall")
    print(f"cores: {os.cpu_count()}; command: python -m benchmarks.archive_replay --copies {args.copies}")
    return 0 if before == after == after_one_core else 1


if __name__ == "__main__":
    sys.exit(main())
