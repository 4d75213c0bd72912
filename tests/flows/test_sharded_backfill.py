"""A sharded backfill on a real Prefect server (127.0.0.1), one process work pool and two workers.

The driver is the CLI (`mediamon backfill --shards N --pool NAME`), the only process that opens the
database; the workers fetch and write to a shared folder. Set MEDIAMON_SHARD_TEST_COPIES=10 to run
the kill test over all 1,810 URLs (181 benchmark pages x 10) instead of the 181 pages once.
"""
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from testkit.loopback import serve_conditional
from flows.runs import backfill_urls
from tests.conftest import PREFECT, ROOT
from testkit.loopback import html_page
from testkit.prefect_server import start, stop, wait_for
from warehouse.db import open_snapshot

pytestmark = pytest.mark.slow  # a real Prefect server, workers, kill -9

POOL = "mediamon-shards"


def descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                stack += children
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def cluster(prefect_server, tmp_path_factory):
    """A process work pool and two workers, each running one shard at a time."""
    api, env, home = prefect_server
    folder = tmp_path_factory.mktemp("cluster")
    subprocess.run([*PREFECT, "work-pool", "create", POOL, "--type", "process", "--overwrite"], env=env, check=True,
                   capture_output=True, cwd=ROOT, timeout=60)
    worker_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "2", "MEDIAMON_ALLOW_HOSTS": "127.0.0.1",
                  "MEDIAMON_CPU_WORKERS": "1", "MEDIAMON_FETCH_WORKERS": "8", "MEDIAMON_WAYBACK": "off",
                  "MEDIAMON_READ_TIMEOUT": "10", "MEDIAMON_TOTAL_TIMEOUT": "20"}
    workers = [start([*PREFECT, "worker", "start", "--pool", POOL, "--limit", "1", "--name", f"worker-{n}"],
                     worker_env, folder / f"worker-{n}.log") for n in range(2)]
    yield {"api": api, "env": {**env, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_WAYBACK": "off"},
           "workers": workers, "folder": folder, "worker_env": worker_env}
    for worker in workers:
        stop(worker)


def backfill(cluster, tmp_path, urls: list[str], shards: int, **env) -> subprocess.Popen:
    (tmp_path / "urls.txt").write_text("\n".join(urls) + "\n")
    return subprocess.Popen(
        [*PREFECT[:1], "-m", "mediamon.cli", "backfill", "--urls", str(tmp_path / "urls.txt"), "--shards", str(shards),
         "--pool", POOL, "--storage", str(tmp_path / "shared"), "--db", str(tmp_path / "sharded.duckdb")],
        env={**cluster["env"], "MEDIAMON_ARCHIVE_DIR": str(tmp_path / "archive"), **env}, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def manifests(tmp_path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "shared" / "shards").glob("*/*/manifest.json"))]


def test_one_request_at_a_time_to_a_host_across_both_workers(cluster, server, tmp_path):
    """MEDIAMON_PER_HOST_CONCURRENCY=1 and a delay: the server never sees two requests to it at once."""
    spans, lock = [], threading.Lock()

    def slow_page(request):
        began = time.monotonic()
        body = html_page("Paced", ["A page served slowly, to catch two requests in flight at once. " * 12])
        time.sleep(0.05)  # the server's own latency: a window in which an overlap would show
        request.handler.send_response(200)
        request.handler.send_header("Content-Type", "text/html")
        request.handler.send_header("Content-Length", str(len(body)))
        request.handler.end_headers()
        request.handler.wfile.write(body)
        request.handler.wfile.flush()
        with lock:
            spans.append((began, time.monotonic(), request.path))

    urls = [server.route(f"/paced/{n}", slow_page) for n in range(12)]
    run = backfill(cluster, tmp_path, urls, 2, MEDIAMON_PER_HOST_CONCURRENCY="1", MEDIAMON_PER_HOST_DELAY="0.3")
    out, err = run.communicate(timeout=240)
    assert run.returncode == 0, out[-2000:] + err[-3000:]

    spans.sort()
    assert len(spans) == 12
    for (began, ended, first), (began_next, _, second) in zip(spans, spans[1:]):
        assert began_next >= ended, f"{first} and {second} overlapped"
        assert began_next - began >= 0.25, f"{first} and {second} started too close"  # 0.3 s, less timer slack
    parents = {int(m["runner"].split()[2]) for m in manifests(tmp_path)}
    assert parents == {w.pid for w in cluster["workers"]}  # each worker ran one of the two shards


def test_a_worker_killed_mid_run_ends_as_a_clean_single_process_run(cluster, server, aeb_pages, tmp_path, monkeypatch):
    copies = int(os.environ.get("MEDIAMON_SHARD_TEST_COPIES", "1"))
    pages = {key: page["html"] for key, page in aeb_pages.items()}
    urls = serve_conditional(server, pages, copies)
    key_of = {url: url.rsplit("/", 1)[1].removesuffix(".html") for url in urls}

    # the single-process backfill of the same pages: what every sharded URL must come out as
    for name, value in {"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
                        "MEDIAMON_PER_HOST_CONCURRENCY": "16", "MEDIAMON_ARCHIVE_DIR": str(tmp_path / "a1")}.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "single.txt").write_text("\n".join(u for u in urls if "/c0/" in u) + "\n")
    backfill_urls(urls_file=str(tmp_path / "single.txt"), db_path=str(tmp_path / "single.duckdb"))
    with open_snapshot(tmp_path / "single.duckdb") as con:
        single = {key_of[u]: h for u, h in con.execute("SELECT url, content_sha256 FROM articles").fetchall()}
    assert len(single) == 181

    served_before = len(server.requests)
    shards = 8 if copies > 1 else 4
    run = backfill(cluster, tmp_path, urls, shards, MEDIAMON_PER_HOST_CONCURRENCY="64", MEDIAMON_PER_HOST_DELAY="0",
                   MEDIAMON_SHARD_HEARTBEAT_TIMEOUT="40")
    victim = cluster["workers"][0]
    wait_for(lambda: descendants(victim.pid) and len(server.requests) - served_before > 20, 120,
             "worker 0 to be fetching a shard")
    doomed = [victim.pid, *descendants(victim.pid)]
    for pid in doomed:  # the machine dies: the worker and its flow run, with no chance to report
        os.kill(pid, signal.SIGKILL)
    victim.wait()
    # another machine joins the pool; the dead one's shard is re-submitted once it is found silent
    cluster["workers"][0] = start([*PREFECT, "worker", "start", "--pool", POOL, "--limit", "1", "--name", "worker-2"],
                                  cluster["worker_env"], cluster["folder"] / "worker-2.log")
    out, err = run.communicate(timeout=420)
    assert run.returncode == 0, out[-2000:] + err[-3000:]

    with open_snapshot(tmp_path / "sharded.duckdb") as con:
        per_url = dict(con.execute("SELECT url, count(*) FROM fetches GROUP BY url").fetchall())
        hashes = con.execute("SELECT url, content_sha256 FROM articles").fetchall()
        landed = con.execute("SELECT count(*), sum(urls) FROM landed_shards").fetchone()
        status = con.execute("SELECT status, urls_planned, fetched_ok FROM runs").fetchall()
    assert per_url == {url: 1 for url in urls}  # every URL exactly once: none missing, none twice
    assert sorted(hashes) == sorted((url, single[key_of[url]]) for url in urls)
    assert landed == (shards, len(urls)) and status == [("completed", len(urls), len(urls))]
    runs = requests.post(f"{cluster['api']}/flow_runs/filter", json={"flow_runs": {"tags": {"all_": ["mediamon-shard"]}},
                                                                     "limit": 200}, timeout=10).json()
    crashed = [r for r in runs if r["state"]["type"] == "CRASHED" and "no heartbeat" in (r["state"]["message"] or "")]
    assert crashed, "the killed worker's shard was not found dead"
