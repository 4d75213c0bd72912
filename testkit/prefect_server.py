"""A real Prefect server (and workers) as subprocesses, for integration tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from mediamon.serve_server import stop_group

ROOT = Path(__file__).resolve().parent.parent
PREFECT = [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_session() -> requests.Session:
    """Requests to a Prefect server's API, retried (bounded) when it answers 503: its SQLite database
    was busy and the request rolled back, as Prefect's own client retries it. A connection per
    request: the server closes an idle keep-alive connection after 5 s, and a request sent on it just
    then is reset, a POST of which cannot be retried safely."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    retry = Retry(total=8, connect=0, read=0, status_forcelist=(503,), allowed_methods=None,
                  backoff_factor=0.5, raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def wait_for(check, seconds: float, what: str):
    """Poll ``check`` (bounded) until it returns something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what} after {seconds:.0f}s")


def start(args, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    stop_group(process, timeout=20)


class PrefectServer:
    """``prefect server start`` on a free port of 127.0.0.1, launched without waiting, so that its start-up
    (15-40 s on a busy machine) can overlap other work; ``wait_ready`` before the first use."""

    def __init__(self, home: Path) -> None:
        self.home = home
        port = free_port()
        self.api = f"http://127.0.0.1:{port}/api"
        self.env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": self.api,
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}
        self.launched = time.monotonic()
        self.process = start([*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], self.env,
                             home / "server.log")

    def healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"prefect server exited: {(self.home / 'server.log').read_text()[-2000:]}")
        try:
            return requests.get(f"{self.api}/health", timeout=2).ok
        except requests.ConnectionError:
            return False

    def wait_ready(self, seconds: float = 90) -> None:
        wait_for(self.healthy, seconds, "the Prefect server")
        print(f"prefect server ready {time.monotonic() - self.launched:.1f}s after its launch")

    def stop(self) -> None:
        stop(self.process)


def run_prefect_server(server: PrefectServer):
    """Wait for ``server``, yield (api_url, env, home), then stop it."""
    try:
        server.wait_ready()
        yield server.api, server.env, server.home
    finally:
        server.stop()
