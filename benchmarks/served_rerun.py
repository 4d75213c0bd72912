"""A nightly run through `mediamon serve`, then a no-change rerun through the same served process.

    python -m benchmarks.served_rerun [--copies 10]

Serves the 181 article-extraction-benchmark pages from ../shared on 127.0.0.1 under ``--copies``
URLs each (ETag, 304 to a conditional GET), cited by one seed; starts a Prefect server and
`mediamon serve` against it (pacing off), then triggers `mediamon-nightly/nightly` twice through
Prefect's API and times each from the trigger to the flow run's end (what an operator waits for).
Prints both walls, their ratio, and each flow run's own run time as Prefect recorded it.
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

import requests

from benchmarks.throughput import _healthy, loopback_env
from testkit.corpus import aeb_html_or_say_why
from testkit.loopback import LoopbackServer, serve_conditional
from testkit.prefect_server import PREFECT, free_port, start, stop, wait_for


def _run_nightly(api: str, deployment_id: str) -> tuple[float, float, str]:
    """Trigger a nightly run; return (wall from trigger to end, Prefect's run time, final state)."""
    started = time.monotonic()
    for _ in range(30):  # a busy server answers 503 now and then
        response = requests.post(f"{api}/deployments/{deployment_id}/create_flow_run", json={"parameters": {}},
                                 timeout=30)
        if response.status_code != 503:
            break
        time.sleep(2)
    if not response.ok:
        raise SystemExit(f"could not trigger the nightly run: {response.status_code} {response.text[:500]}")
    run = response.json()

    def finished():
        flow_run = requests.get(f"{api}/flow_runs/{run['id']}", timeout=30).json()
        return flow_run if flow_run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    flow_run = wait_for(finished, 1800, "the nightly run")
    return time.monotonic() - started, flow_run["total_run_time"], flow_run["state"]["type"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
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
            first = _run_nightly(api, deployment_id)
            rerun = _run_nightly(api, deployment_id)
        finally:
            if served is not None:
                os.killpg(served.pid, signal.SIGTERM)
                served.wait(timeout=120)
            stop(prefect)
    print(f"URLs: {len(urls)} ({len(pages)} pages x {options.copies}); states: {first[2]}, {rerun[2]}")
    print(f"first nightly run through mediamon serve: {first[0]:.1f} s (Prefect's run time {first[1]:.1f} s)")
    print(f"no-change rerun through mediamon serve:   {rerun[0]:.1f} s (Prefect's run time {rerun[1]:.1f} s)")
    print(f"rerun / first: {rerun[0] / first[0]:.3f}")
    print(f"command: python -m benchmarks.served_rerun --copies {options.copies}")
    return 0 if first[2] == rerun[2] == "COMPLETED" else 1


if __name__ == "__main__":
    sys.exit(main())
