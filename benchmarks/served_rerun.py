"""A nightly run through `mediamon serve`, then no-change reruns through the same served process.

    python -m benchmarks.served_rerun [--copies 10] [--reruns 3]

Serves the 181 article-extraction-benchmark pages from ../shared on 127.0.0.1 under ``--copies``
URLs each (ETag, 304 to a conditional GET), cited by one seed; starts a Prefect server and
`mediamon serve` against it (pacing off), then triggers `mediamon-nightly/nightly` through Prefect's
API: a first run, ``--reruns`` no-change reruns (the default nightly: nothing is due again the same
night, so it plans no URL) and one rerun with ``all`` (every URL re-checked: 304 to a conditional
GET). Each is timed from the trigger to the flow run's final state (what an operator waits for), and
split by its Prefect states: waiting to be picked up (trigger to Running), running, and the rest.
Prints the walls, the rerun / first ratio, and the serving process's memory (RSS) after each run
with its child processes (the analysis workers are gone after each run; the fork server stays).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import requests

from benchmarks.throughput import _healthy, loopback_env
from testkit.corpus import aeb_html_or_say_why
from testkit.loopback import LoopbackServer, serve_conditional
from testkit.prefect_server import PREFECT, free_port, start, stop, wait_for

FINAL = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


@dataclass(frozen=True, slots=True)
class Served:
    """One triggered flow run: its wall from the trigger, its Prefect timeline, the serving process after it."""

    wall: float
    picked_up: float     # trigger (flow run created) to Pending: the serving process's poll
    started: float       # Pending to Running: the flow run starting in the serving process
    run_time: float      # Prefect's total_run_time: Running to the final state
    state: str
    rss_mb: float        # the serving process's resident memory after the run
    children: int        # its child processes after the run

    def line(self, what: str) -> str:
        return (f"{what:<42} {self.wall:6.1f} s  (picked up {self.picked_up:.1f} s, started {self.started:.1f} s, "
                f"Prefect's run time {self.run_time:.1f} s; serving process {self.rss_mb:.0f} MB RSS, "
                f"{self.children} children)")


def _post(url: str, body: dict) -> dict:
    for _ in range(30):  # a busy server answers 503 now and then
        response = requests.post(url, json=body, timeout=30)
        if response.status_code != 503:
            break
        time.sleep(2)
    if not response.ok:
        raise SystemExit(f"could not trigger the nightly run: {response.status_code} {response.text[:500]}")
    return response.json()


def _picked_up_and_started(api: str, flow_run: dict) -> tuple[float, float]:
    """Seconds from the flow run's creation (the trigger) to Pending, and from Pending to Running."""
    states = requests.get(f"{api}/flow_run_states/", params={"flow_run_id": flow_run["id"]}, timeout=30)
    states.raise_for_status()

    def first(state_type: str) -> datetime:
        return datetime.fromisoformat(min(s["timestamp"] for s in states.json() if s["type"] == state_type))

    pending, running = first("PENDING"), first("RUNNING")
    return ((pending - datetime.fromisoformat(flow_run["created"])).total_seconds(),
            (running - pending).total_seconds())


def _process_memory(pid: int) -> tuple[float, int]:
    """(resident MB, child processes) of ``pid``, from /proc."""
    rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                  if line.startswith("VmRSS:"))
    children = sum(len(Path(task, "children").read_text().split()) for task in Path(f"/proc/{pid}/task").iterdir())
    return rss_kb / 1024, children


def _run_nightly(api: str, deployment_id: str, served_pid: int, parameters: dict) -> Served:
    """Trigger a nightly run; time it from the trigger to its final state."""
    started = time.monotonic()
    run = _post(f"{api}/deployments/{deployment_id}/create_flow_run", {"parameters": parameters})

    def finished():
        flow_run = requests.get(f"{api}/flow_runs/{run['id']}", timeout=30).json()
        return flow_run if flow_run["state"]["type"] in FINAL else None

    flow_run = wait_for(finished, 1800, "the nightly run")
    wall = time.monotonic() - started
    return Served(wall, *_picked_up_and_started(api, flow_run), flow_run["total_run_time"],
                  flow_run["state"]["type"], *_process_memory(served_pid))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--reruns", type=int, default=3, help="no-change reruns after the first run")
    options = parser.parse_args()
    pages = aeb_html_or_say_why()
    if pages is None:
        return 2
    with tempfile.TemporaryDirectory() as folder, LoopbackServer() as server:
        tmp = Path(folder)
        urls = serve_conditional(server, pages, options.copies)
        (tmp / "seeds").mkdir()
        (tmp / "seeds" / "s.txt").write_text("A seed citing every page.\n" + "\n".join(urls) + "\n")
        port = free_port()
        env = loopback_env(tmp, port, MEDIAMON_DB=str(tmp / "served.duckdb"), MEDIAMON_ARCHIVE_DIR=str(tmp / "archive"),
                           MEDIAMON_WAYBACK="off")
        prefect = start([*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env, tmp / "server.log")
        served = None
        try:
            wait_for(lambda: _healthy(requests, port), 180, "the Prefect server")
            served = subprocess.Popen([sys.executable, "-m", "mediamon.cli", "serve", "--seeds", str(tmp / "seeds")],
                                      env=env, stdout=subprocess.DEVNULL, stderr=(tmp / "serve.log").open("wb"),
                                      start_new_session=True, cwd=tmp)
            api = env["PREFECT_API_URL"]

            def deployment():
                response = requests.get(f"{api}/deployments/name/mediamon-nightly/nightly", timeout=10)
                return response.json()["id"] if response.ok else None

            deployment_id = wait_for(deployment, 300, "the served deployment")
            first = _run_nightly(api, deployment_id, served.pid, {})
            reruns = [_run_nightly(api, deployment_id, served.pid, {}) for _ in range(options.reruns)]
            everything = _run_nightly(api, deployment_id, served.pid, {"all": True})
        finally:
            if served is not None:
                os.killpg(served.pid, signal.SIGTERM)
                served.wait(timeout=120)
            stop(prefect)
    runs = [first, *reruns, everything]
    print(f"URLs: {len(urls)} ({len(pages)} pages x {options.copies}); states: {', '.join(r.state for r in runs)}")
    print(first.line("first nightly run through mediamon serve:"))
    for number, rerun in enumerate(reruns, 1):
        print(rerun.line(f"no-change rerun {number} (nothing due):"))
    print(everything.line("rerun with all=true (every URL, 304s):"))
    if reruns:
        print(f"rerun / first: {reruns[0].wall / first.wall:.3f} (the first rerun; "
              f"worst of {len(reruns)}: {max(r.wall for r in reruns) / first.wall:.3f})")
    print(f"all=true rerun / first: {everything.wall / first.wall:.3f}")
    print(f"serving process RSS after each run: {', '.join(f'{r.rss_mb:.0f}' for r in runs)} MB")
    print(f"command: python -m benchmarks.served_rerun --copies {options.copies} --reruns {options.reruns}")
    return 0 if all(r.state == "COMPLETED" for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
