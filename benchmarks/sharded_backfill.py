"""A sharded backfill with one worker and with two, against the single-process backfill, in one run.

    python -m benchmarks.sharded_backfill                 # 181 pages x 10 URLs, 10 shards
    python -m benchmarks.sharded_backfill --copies 2 --shards 8

Serves the 181 article-extraction-benchmark pages from ../shared on 127.0.0.1, each under
``--copies`` URLs; starts a Prefect server on 127.0.0.1, one process work pool and the workers
(each running one shard at a time, extraction in its own process); runs the CLI as a subprocess
with pacing off: once single-process, then ``--shards`` with one worker, then with two. Checks that
every URL was landed exactly once with the single-process run's content hashes, and prints each
wall, the commit step's share of it, and per-shard figures (from the shards' manifests).
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit.corpus import aeb_available, aeb_dir, load_aeb
from benchmarks.throughput import _healthy, loopback_env
from testkit.loopback import serve_conditional
from testkit.loopback import LoopbackServer
from testkit.prefect_server import free_port, start, stop, wait_for

PY = sys.executable


def _cli(args: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([PY, "-m", "mediamon.cli", *args], env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"mediamon {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, done.stdout


def _articles(db: Path) -> tuple[dict[str, int], dict[str, str]]:
    from warehouse.db import open_snapshot
    with open_snapshot(db) as con:
        return (dict(con.execute("SELECT url, count(*) FROM fetches GROUP BY url").fetchall()),
                dict(con.execute("SELECT url, content_sha256 FROM articles").fetchall()))


def sharded(tmp: Path, env: dict, urls: list[str], workers: int, shards: int, single: dict[str, str]) -> dict:
    run = tmp / f"workers-{workers}"
    run.mkdir()
    worker_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "2", "MEDIAMON_CPU_WORKERS": "1",
                  "MEDIAMON_FETCH_WORKERS": "8"}
    pool = f"bench-{workers}"
    subprocess.run([PY, "-m", "prefect", "work-pool", "create", pool, "--type", "process"], env=env, check=True,
                   capture_output=True)
    procs = [start([PY, "-m", "prefect", "worker", "start", "--pool", pool, "--limit", "1"], worker_env,
                   run / f"worker-{n}.log") for n in range(workers)]
    try:
        wall, output = _cli(["backfill", "--urls", str(tmp / "urls.txt"), "--shards", str(shards), "--pool", pool,
                             "--storage", str(run / "shared"), "--db", str(run / "db.duckdb")],
                            {**env, "MEDIAMON_ARCHIVE_DIR": str(run / "archive")}, run)
    finally:
        for proc in procs:
            stop(proc)
    per_url, hashes = _articles(run / "db.duckdb")
    assert per_url == {url: 1 for url in urls}, "a URL missing or landed twice"
    assert hashes == single, "content hashes differ from the single-process run"
    commit = float(re.search(r"commit step seconds\s*│\s*([\d.]+)", output).group(1))
    manifests = [json.loads(p.read_text()) for p in (run / "shared" / "shards").glob("*/*/manifest.json")]
    return {"wall": wall, "commit": commit, "manifests": manifests}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--shards", type=int, default=10)
    options = parser.parse_args()
    if not aeb_available():
        print(f"needs the benchmark pages at {aeb_dir()}", file=sys.stderr)
        return 2
    pages = {k: page["html"] for k, page in load_aeb().items()}
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer() as server:
        tmp = Path(tmp)
        urls = serve_conditional(server, pages, options.copies)
        (tmp / "urls.txt").write_text("\n".join(urls) + "\n")
        port = free_port()
        env = loopback_env(tmp, port, MEDIAMON_WAYBACK="off", MEDIAMON_PER_HOST_CONCURRENCY="64")
        server_proc = start([PY, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env, tmp / "server.log")
        try:
            wait_for(lambda: _healthy(__import__("requests"), port), 90, "the Prefect server")
            single_wall, _ = _cli(["backfill", "--urls", str(tmp / "urls.txt"), "--db", str(tmp / "single.duckdb")],
                                  {**env, "MEDIAMON_ARCHIVE_DIR": str(tmp / "archive")}, tmp)
            single = _articles(tmp / "single.duckdb")[1]
            results = {n: sharded(tmp, env, urls, n, options.shards, single) for n in (1, 2)}
        finally:
            stop(server_proc)
    print(f"URLs: {len(urls)} ({len(pages)} pages x {options.copies}) on one loopback host, {options.shards} shards")
    print(f"single-process backfill: wall {single_wall:.1f}s ({len(urls) / single_wall:.1f} pages/s)")
    for n, result in results.items():
        seconds = [m["seconds"] for m in result["manifests"]]
        print(f"{n} worker(s): wall {result['wall']:.1f}s ({len(urls) / result['wall']:.1f} pages/s); commit step "
              f"{result['commit']:.1f}s = {result['commit'] / result['wall']:.1%} of the wall; every URL landed "
              f"once, content hashes equal to the single-process run")
        print(f"  per shard ({len(seconds)}): {statistics.mean(m['urls'] for m in result['manifests']):.0f} URLs, "
              f"fetch+extract+upload {statistics.median(seconds):.1f}s median ({min(seconds):.1f}-{max(seconds):.1f}), "
              f"{sum(m['urls'] for m in result['manifests']) / sum(seconds):.1f} pages/s per running shard; "
              f"commit {result['commit'] / len(seconds):.2f}s per shard")
    print(f"2 workers / 1 worker wall: {results[2]['wall'] / results[1]['wall']:.2f}")
    print("command: python -m benchmarks.sharded_backfill " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
