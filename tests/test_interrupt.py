"""Ctrl-C (SIGINT to the process group, as a terminal sends it) or SIGTERM: the work fetched so far is
kept, the run ends `interrupted` in one line with exit 130 within seconds, and a rerun does the rest."""
import os
import signal
import subprocess
import sys
import time

import pytest

from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot

URLS = 60
DELAY = 0.15  # seconds between requests to the one host: the run takes ~9 s undisturbed


def page(n: int) -> bytes:
    return html_page(f"Report {n}", [f"Report number {n} on the appeal of the Azerbaijanis of Russia. " * 12])


def backfill(urls_file, db, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mediamon.cli", "backfill", "--urls", str(urls_file),
                             "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def page_requests(requests) -> list[str]:
    """The paths of the pages asked for (not robots.txt, nor the host's not-found probe)."""
    return [r.path for r in requests if r.path.startswith("/r/") and "mediamon-no-such-page" not in r.path]


def served(server) -> list[str]:
    return page_requests(server.requests)


@pytest.mark.slow
@pytest.mark.parametrize("signum, prefect", [
    (signal.SIGINT, "local"),    # Ctrl-C at a terminal with Prefect's defaults: the local server mediamon starts
                                 # is in a session of its own, so the signal to the group leaves it running
    (signal.SIGTERM, "server"),  # systemd's stop, as operators run it: against a Prefect server (PREFECT_API_URL)
], ids=["SIGINT-local-prefect", "SIGTERM-prefect-server"])
def test_a_signal_keeps_what_was_fetched_and_the_rerun_fetches_only_the_rest(server, tmp_path, signum, prefect,
                                                                            cli_prefect):
    urls = [server.route(f"/r/{n}", Reply(200, page(n), {"Content-Type": "text/html"})) for n in range(URLS)]
    urls_file = tmp_path / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n")
    db = tmp_path / "m.duckdb"
    env = {**os.environ, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": str(DELAY),
           "MEDIAMON_PER_HOST_CONCURRENCY": "1", "MEDIAMON_ARCHIVE_DIR": str(tmp_path / "archive"),
           **(cli_prefect if prefect == "server" else {})}
    run = backfill(urls_file, db, env)
    deadline = time.monotonic() + 240
    while len(served(server)) < 12 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the server's log of requests, bounded
    assert run.poll() is None, run.stderr.read()
    os.killpg(run.pid, signum)  # the whole group, as a terminal's Ctrl-C: workers and fork server too
    signalled = time.monotonic()
    _, stderr = run.communicate(timeout=60)
    assert time.monotonic() - signalled < 5, "took too long to stop"
    assert run.returncode == 130
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("mediamon: interrupted:"), stderr  # the one line, after any progress lines
    assert all(line.startswith("mediamon: fetching: ") for line in lines[:-1]), stderr
    with open_snapshot(db) as con:
        stored = {url for (url,) in con.execute("SELECT url FROM fetches").fetchall()}
        [(status, planned)] = con.execute("SELECT status, urls_planned FROM runs").fetchall()
        articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert status == "interrupted" and planned == URLS
    assert 8 <= len(stored) < URLS and articles == len(stored)  # every kept fetch became its article

    before = len(server.requests)
    # the rerun's point is what the database kept, whichever Prefect it reports to: the session's server
    rerun = subprocess.run([sys.executable, "-m", "mediamon.cli", "backfill", "--urls", str(urls_file),
                            "--db", str(db)], env={**env, "MEDIAMON_PER_HOST_DELAY": "0", **cli_prefect},
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    refetched = {server.url(path) for path in page_requests(server.requests[before:])}
    assert refetched == set(urls) - stored  # only the rest, each once
