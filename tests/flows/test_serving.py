"""flows.serving: served flow runs execute in the serving process itself, one after another; a run that
raises ends Failed, a run cancelled in Prefect stops its job and ends Cancelled, SIGTERM stops serving
(the run in progress asked to stop), and a run left Running by a killed serving process is marked
Crashed when serving starts again. Probe flows (testkit.served_probe) against a real Prefect server."""
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from testkit.prefect_server import api_session, wait_for

API = api_session()

FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


@dataclass
class Probe:
    """A serving process of the probe flows, and how to drive it through Prefect's API."""

    api: str
    env: dict
    out: Path
    name: str
    process: subprocess.Popen | None = None

    def start(self) -> "Probe":
        self.process = subprocess.Popen([sys.executable, "-m", "testkit.served_probe", str(self.out), self.name],
                                        env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        start_new_session=True)
        wait_for(lambda: self.serving(), 180, "the probe's deployments")
        return self

    def deployment(self, flow: str) -> dict | None:
        response = API.get(f"{self.api}/deployments/name/{flow}/{self.name}", timeout=10)
        return response.json() if response.ok else None

    def serving(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(self.process.stderr.read())
        found = [self.deployment(flow) for flow in ("probe-where", "probe-fail", "probe-wait")]
        return all(found) and not any(deployment["paused"] for deployment in found)

    def trigger(self, flow: str, **parameters) -> str:
        deployment = self.deployment(flow)["id"]
        response = API.post(f"{self.api}/deployments/{deployment}/create_flow_run",
                                 json={"parameters": parameters}, timeout=30)
        response.raise_for_status()
        return response.json()["id"]

    def flow_run(self, run_id: str) -> dict:
        return API.get(f"{self.api}/flow_runs/{run_id}", timeout=30).json()

    def final(self, run_id: str) -> dict:
        def ended() -> dict | None:
            run = self.flow_run(run_id)
            return run if run["state"]["type"] in FINAL else None
        return wait_for(ended, 180, "the flow run")

    def waiting(self, n: int) -> None:
        wait_for(lambda: (self.out / f"waiting-{n}").exists(), 180, f"probe-wait run {n} to start")

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        os.killpg(self.process.pid, signum)
        _, stderr = self.process.communicate(timeout=120)
        return self.process.returncode, stderr


@pytest.fixture
def probe(prefect_server, tmp_path):
    api, env, _ = prefect_server
    (tmp_path / "out").mkdir()
    served = Probe(api, env, tmp_path / "out", f"probe-{uuid.uuid4().hex[:8]}").start()
    yield served
    if served.process.poll() is None:
        served.stop(signal.SIGKILL)


@pytest.mark.slow
def test_served_runs_execute_in_the_serving_process_one_after_another(probe):
    runs = [probe.final(probe.trigger("probe-where")) for _ in range(2)]
    assert [run["state"]["type"] for run in runs] == ["COMPLETED", "COMPLETED"]
    lines = (probe.out / "where.txt").read_text().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [str(probe.process.pid)] * 2  # no process per run
    assert all(line.split(" ", 1)[1].startswith("flow run ") for line in lines)  # on a thread of its own
    assert all(run["infrastructure_pid"].endswith(f":{probe.process.pid}") for run in runs)

    failed = probe.final(probe.trigger("probe-fail"))
    assert failed["state"]["type"] == "FAILED"
    assert "the probe failed on purpose" in failed["state"]["message"]
    assert probe.final(probe.trigger("probe-where"))["state"]["type"] == "COMPLETED"  # still serving


@pytest.mark.slow
def test_a_run_cancelled_in_prefect_stops_its_job_and_ends_cancelled(probe):
    run_id = probe.trigger("probe-wait", n=1)
    probe.waiting(1)
    response = API.post(f"{probe.api}/flow_runs/{run_id}/set_state",
                             json={"state": {"type": "CANCELLING", "name": "Cancelling"}}, timeout=30)
    assert response.json()["status"] == "ACCEPT"
    assert probe.final(run_id)["state"]["type"] == "CANCELLED"
    assert (probe.out / "stopped-1").read_text() == "asked to stop"
    assert probe.final(probe.trigger("probe-where"))["state"]["type"] == "COMPLETED"  # still serving


@pytest.mark.slow
def test_sigterm_stops_serving_and_the_run_in_progress(probe):
    run_id = probe.trigger("probe-wait", n=2)
    probe.waiting(2)
    returncode, stderr = probe.stop(signal.SIGTERM)
    assert returncode == 0, stderr
    assert (probe.out / "stopped-2").read_text() == "asked to stop"
    run = probe.flow_run(run_id)
    assert run["state"]["type"] == "FAILED" and "interrupted" in run["state"]["message"]
    assert probe.deployment("probe-where")["paused"]  # as serve() leaves them: no runs pile up unserved


@pytest.mark.slow
def test_a_run_left_running_by_a_killed_serving_process_is_marked_crashed(probe):
    run_id = probe.trigger("probe-wait", n=3)
    probe.waiting(3)
    probe.stop(signal.SIGKILL)
    assert probe.flow_run(run_id)["state"]["type"] == "RUNNING"
    probe.start()
    crashed = probe.final(run_id)
    assert crashed["state"]["type"] == "CRASHED" and "serving process ended" in crashed["state"]["message"]
    assert probe.final(probe.trigger("probe-where"))["state"]["type"] == "COMPLETED"  # the deployment still serves
