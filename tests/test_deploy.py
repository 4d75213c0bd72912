"""Integration: a real Prefect server on 127.0.0.1, a process worker, the deployments of deploy/prefect.yaml."""
import pytest
import subprocess
import time

import requests

from tests.conftest import PREFECT, ROOT
from testkit.prefect_server import start, stop, wait_for
from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot


@pytest.mark.slow
def test_nightly_deployment_on_a_server_and_a_worker(prefect_server, server, tmp_path):
    api, env, home = prefect_server
    started = time.monotonic()
    page = server.route("/news/1", Reply(200, html_page("News", ["The article text of a cited page. " * 20]),
                                         {"Content-Type": "text/html"}))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s.txt").write_text(f"A seed citing {page} for the deployment test.\n")
    db = tmp_path / "deployed.duckdb"

    subprocess.run([*PREFECT, "work-pool", "create", "mediamon", "--type", "process"], env=env, check=True,
                   capture_output=True, cwd=ROOT, timeout=60)
    deploy = subprocess.run([*PREFECT, "--no-prompt", "deploy", "--prefect-file", "deploy/prefect.yaml", "--all"],
                            env={**env, "MEDIAMON_HOME": str(ROOT)}, capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr

    deployment = requests.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10).json()
    [schedule] = deployment["schedules"]
    assert schedule["schedule"]["cron"] == "0 2 * * *" and schedule["schedule"]["timezone"] == "UTC"
    assert schedule["active"] is True
    assert requests.get(f"{api}/deployments/name/mediamon-backfill/backfill", timeout=10).ok

    worker_env = {**env, "PREFECT_WORKER_QUERY_SECONDS": "2", "MEDIAMON_ALLOW_HOSTS": "127.0.0.1",
                  "MEDIAMON_PER_HOST_DELAY": "0"}
    worker = start([*PREFECT, "worker", "start", "--pool", "mediamon"], worker_env, home / "worker.log")
    try:
        run = requests.post(f"{api}/deployments/{deployment['id']}/create_flow_run",
                            json={"parameters": {"seeds_dir": str(seeds), "db_path": str(db)}}, timeout=10).json()

        def finished():
            state = requests.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state"]
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        state = wait_for(finished, 150, "the flow run to finish")
        assert state["type"] == "COMPLETED", (home / "worker.log").read_text()[-3000:]
    finally:
        stop(worker)

    with open_snapshot(db) as con:
        assert con.execute("SELECT flow, status, urls_planned, new_articles FROM runs").fetchall() == [
            ("nightly", "completed", 1, 1)]
        assert con.execute("SELECT url FROM articles").fetchall() == [(page,)]
    artifacts = requests.post(f"{api}/artifacts/filter",
                              json={"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}, timeout=10).json()
    assert {a["type"] for a in artifacts} == {"table", "markdown"}
    print(f"deploy, trigger and run on the worker: {time.monotonic() - started:.1f}s")


def test_the_systemd_unit_serves_with_valid_settings():
    """deploy/mediamon-serve.service runs `mediamon serve` with settings mediamon accepts, and stops it
    with SIGTERM to mediamon alone (the run in progress then ends `interrupted`, its work kept)."""
    from core.settings import ENVIRONMENT_VARIABLES, load_settings

    lines = [line.strip() for line in (ROOT / "deploy" / "mediamon-serve.service").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    entries = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("[")]
    assert dict(entries)["ExecStart"].endswith("/mediamon serve")
    assert dict(entries)["KillMode"] == "mixed" and dict(entries)["KillSignal"] == "SIGTERM"
    environment = dict(value.split("=", 1) for key, value in entries if key == "Environment")
    assert environment and set(environment) <= set(ENVIRONMENT_VARIABLES)
    load_settings(environment)  # every value is valid
