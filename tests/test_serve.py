"""`mediamon serve`: the flows served from one process; nightly runs triggered through Prefect's API
run there, one after another, store their articles, and Ctrl-C/SIGTERM stops serving in one line, a
run in progress recorded ``interrupted``."""
import os
import signal
import subprocess
import sys
import pytest

from testkit.loopback import Reply, html_page, seed_citing
from testkit.prefect_server import PREFECT, api_session, wait_for
from warehouse.db import open_snapshot

API = api_session()

URLS = 40


def start_serving(api, prefect_env, seeds, db, tmp_path, **settings) -> tuple[subprocess.Popen, dict]:
    """`mediamon serve` against the session's Prefect server, once its nightly deployment is registered."""
    # the session's server may hold the same deployment from deploy/prefect.yaml (tests/test_deploy.py),
    # on a work pool whose worker is gone: these tests are about the served one
    existing = API.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10)
    if existing.ok:
        API.delete(f"{api}/deployments/{existing.json()['id']}", timeout=10).raise_for_status()
    env = {**os.environ, **prefect_env, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
           "MEDIAMON_ARCHIVE_DIR": str(tmp_path / "archive"), **settings}
    served = subprocess.Popen([sys.executable, "-m", "mediamon.cli", "serve", "--seeds", str(seeds), "--db", str(db)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True, cwd=tmp_path)

    def registered():
        if served.poll() is not None:
            raise AssertionError(served.stderr.read())
        found = API.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10)
        return found.ok and not found.json()["paused"]
    wait_for(registered, 180, "the served deployments")
    return served, env


def stop_serving(served: subprocess.Popen) -> str:
    """SIGTERM, as systemd stops the service; returns its stderr once it has exited."""
    os.killpg(served.pid, signal.SIGTERM)
    _, stderr = served.communicate(timeout=120)
    return stderr


@pytest.mark.slow
def test_served_nightly_runs_store_their_articles_one_after_another(prefect_server, server, tmp_path):
    api, prefect_env, _ = prefect_server
    seeds = tmp_path / "seeds"
    page = seed_citing(server, seeds)
    db = tmp_path / "m.duckdb"
    served, env = start_serving(api, prefect_env, seeds, db, tmp_path)
    try:
        for _ in range(2):  # the second run in the same serving process: nothing new is due
            run = subprocess.run([*PREFECT, "deployment", "run", "mediamon-nightly/nightly", "--watch",
                                  "--watch-timeout", "300"], env=env, capture_output=True, text=True, timeout=360)
            if run.returncode != 0:
                raise AssertionError(run.stdout + run.stderr + stop_serving(served)[-4000:])
        with open_snapshot(db) as con:
            assert con.execute("SELECT url FROM articles").fetchall() == [(page,)]
            assert con.execute("SELECT flow, status, urls_planned FROM runs ORDER BY started_at").fetchall() == [
                ("nightly", "completed", 1), ("nightly", "completed", 0)]
    finally:
        stderr = stop_serving(served)
    assert served.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == "mediamon: stopped serving"
    assert stderr.count("mediamon: flow run ") == 2 and stderr.count(" completed\n") == 2, stderr


@pytest.mark.slow
def test_sigterm_during_a_served_run_records_it_interrupted_in_one_line(prefect_server, server, tmp_path):
    api, prefect_env, _ = prefect_server
    pages = [server.route(f"/r/{n}", Reply(200, html_page(f"Report {n}", [f"Report number {n} on the appeal. " * 12]),
                                           {"Content-Type": "text/html"})) for n in range(URLS)]
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s.txt").write_text("A seed citing reports: " + " ".join(pages) + "\n")
    db = tmp_path / "m.duckdb"
    # one request at a time, 0.2 s apart: the run takes ~8 s undisturbed
    served, env = start_serving(api, prefect_env, seeds, db, tmp_path, MEDIAMON_PER_HOST_DELAY="0.2",
                                MEDIAMON_PER_HOST_CONCURRENCY="1")
    try:
        deployment = API.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10).json()["id"]
        run = API.post(f"{api}/deployments/{deployment}/create_flow_run", json={"parameters": {}}, timeout=30)
        run.raise_for_status()
        # one request at a time: when the 5th has arrived, the 4th has been answered (the 4th arriving
        # says nothing of its answer, which SIGTERM may cut in flight)
        wait_for(lambda: sum(r.path.startswith("/r/") for r in server.requests) >= 5, 180, "the served run to fetch")
    finally:
        stderr = stop_serving(served)
    assert served.returncode == 0, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert lines[-1] == "mediamon: stopped serving"
    assert lines[-2].startswith("mediamon: flow run ") and "planned URLs done" in lines[-2], stderr
    with open_snapshot(db) as con:
        assert con.execute("SELECT flow, status, urls_planned FROM runs").fetchall() == [("nightly", "interrupted", URLS)]
        assert 4 <= con.execute("SELECT count(*) FROM fetches").fetchone()[0] < URLS  # what was fetched is kept
    flow_run = API.get(f"{api}/flow_runs/{run.json()['id']}", timeout=30).json()
    assert flow_run["state"]["type"] == "FAILED" and "interrupted" in flow_run["state"]["message"]
