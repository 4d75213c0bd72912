"""Ctrl-C during a long backfill: how fast it stops, what it keeps, what the rerun fetches.

    python -m benchmarks.interrupt_backfill [--copies 10] [--after 30]

Serves the 181 article-extraction-benchmark pages from ../shared on 127.0.0.1 under ``--copies`` URLs
each, runs `mediamon backfill` on them in its own process group with the default per-host pacing
(one host: one request a second, so the run is long), sends SIGINT to the group ``--after`` seconds
in (as a terminal's Ctrl-C), then runs the same backfill again with pacing off. Prints the seconds
from the signal to the exit, the exit status, the stderr lines, the URLs stored, the URLs the server
had answered before the signal, and whether the rerun fetched exactly the rest.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit


from testkit.corpus import aeb_html_or_say_why
from testkit.loopback import LoopbackServer, serve_pages
from warehouse.db import open_snapshot

PROBE = "mediamon-no-such-page"


def _pages(requests) -> set[str]:
    return {r.path for r in requests if r.path.endswith(".html") and PROBE not in r.path}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--after", type=float, default=30.0, help="seconds before the SIGINT")
    options = parser.parse_args()
    pages = aeb_html_or_say_why()
    if pages is None:
        return 2
    with tempfile.TemporaryDirectory() as folder, LoopbackServer() as server:
        tmp = Path(folder)
        urls = serve_pages(server, pages, options.copies)
        (tmp / "urls.txt").write_text("\n".join(urls) + "\n")
        env = {**os.environ, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_ARCHIVE_DIR": str(tmp / "archive"),
               "MEDIAMON_WAYBACK": "off", "MEDIAMON_PER_HOST_CONCURRENCY": "4", "MEDIAMON_PER_HOST_DELAY": "0.02"}
        command = [sys.executable, "-m", "mediamon.cli", "backfill", "--urls", str(tmp / "urls.txt"),
                   "--db", str(tmp / "m.duckdb")]
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=(tmp / "err.txt").open("w"),
                               start_new_session=True)
        time.sleep(options.after)  # the benchmark's own clock: when the operator presses Ctrl-C
        answered = _pages(server.requests)
        os.killpg(run.pid, signal.SIGINT)
        signalled = time.monotonic()
        code = run.wait(timeout=300)
        stop_seconds = time.monotonic() - signalled
        stderr = [line for line in (tmp / "err.txt").read_text().splitlines() if line.strip()]
        with open_snapshot(tmp / "m.duckdb") as con:
            stored = {url for (url,) in con.execute("SELECT url FROM fetches").fetchall()}
            status = con.execute("SELECT status FROM runs").fetchone()[0]
        before = len(server.requests)
        rerun = subprocess.run(command, env={**env, "MEDIAMON_PER_HOST_DELAY": "0"}, capture_output=True, text=True)
        refetched = {server.url(path) for path in _pages(server.requests[before:])}
    print(f"URLs: {len(urls)}; SIGINT {options.after:.0f} s in; exit {code} after {stop_seconds:.1f} s; run {status}")
    print(f"stderr ({len(stderr)} lines): " + " | ".join(stderr))
    print(f"pages answered before the signal: {len(answered)}; fetches stored: {len(stored)} "
          f"(answered but not stored: {len(answered - {urlsplit(url).path for url in stored})})")
    print(f"rerun: exit {rerun.returncode}, fetched {len(refetched)}; exactly the rest: "
          f"{refetched == set(urls) - stored}; any stored URL fetched again: {bool(refetched & stored)}")
    print(f"command: python -m benchmarks.interrupt_backfill --copies {options.copies} --after {options.after:g}")
    return 0 if code == 130 and refetched == set(urls) - stored else 1


if __name__ == "__main__":
    sys.exit(main())
