"""`mediamon serve`: the flows served from one process; a nightly run triggered through Prefect's API
runs there, stores its articles, and Ctrl-C/SIGTERM stops serving in one line."""
import os
import signal
import subprocess
import sys

import pytest
import requests

from testkit.loopback import seed_citing
from testkit.prefect_server import PREFECT, wait_for
from warehouse.db import open_snapshot


@pytest.mark.slow
def test_a_served_nightly_run_stores_its_articles(prefect_server, server, tmp_path):
    api, prefect_env, _ = prefect_server
    seeds = tmp_path / "seeds"
    page = seed_citing(server, seeds)
    db = tmp_path / "m.duckdb"
    # the session's server may hold the same deployment from deploy/prefect.yaml (tests/test_deploy.py),
    # on a work pool whose worker is gone: this test is about the served one
    existing = requests.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10)
    if existing.ok:
        requests.delete(f"{api}/deployments/{existing.json()['id']}", timeout=10).raise_for_status()
    env = {**os.environ, **prefect_env, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
           "MEDIAMON_ARCHIVE_DIR": str(tmp_path / "archive")}
    served = subprocess.Popen([sys.executable, "-m", "mediamon.cli", "serve", "--seeds", str(seeds), "--db", str(db)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True, cwd=tmp_path)
    try:
        def registered():
            if served.poll() is not None:
                raise AssertionError(served.stderr.read())
            found = subprocess.run([*PREFECT, "deployment", "ls"], env=env, capture_output=True, text=True)
            return "mediamon-nightly/nightly" in found.stdout
        wait_for(registered, 180, "the served deployments")
        run = subprocess.run([*PREFECT, "deployment", "run", "mediamon-nightly/nightly", "--watch",
                              "--watch-timeout", "300"], env=env, capture_output=True, text=True, timeout=360)
        if run.returncode != 0:
            os.killpg(served.pid, signal.SIGTERM)
            raise AssertionError(run.stdout + run.stderr + served.communicate(timeout=120)[1][-4000:])
        with open_snapshot(db) as con:
            assert con.execute("SELECT url FROM articles").fetchall() == [(page,)]
            assert con.execute("SELECT flow, status FROM runs").fetchall() == [("nightly", "completed")]
    finally:
        os.killpg(served.pid, signal.SIGTERM)
        _, stderr = served.communicate(timeout=120)
    assert served.returncode == 0, stderr
    assert "Traceback" not in stderr
