"""A Prefect server for `mediamon serve` when ``PREFECT_API_URL`` names none: started as a child,
on 127.0.0.1, with its scheduler (which creates the nightly cron runs), and stopped with the command.

Its log goes to ``<database name>.prefect.log`` beside the database. On Linux it is also told to stop
if this process dies (``die_with_parent``).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from core.errors import PrefectUnavailable
from engine.interrupt import die_with_parent
from mediamon.prefect_start import check_server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(api_url: str) -> bool:
    try:
        check_server(api_url, timeout=2)
        return True
    except PrefectUnavailable:
        return False


@contextmanager
def prefect_server(log_path: Path, timeout: float, say: Callable[[str], None]) -> Iterator[str]:
    """A Prefect server for the block; yields its API URL (also set as PREFECT_API_URL here)."""
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    say(f"starting a Prefect server on 127.0.0.1:{port} (log: {log_path})")
    with open(log_path, "ab") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True, preexec_fn=lambda: die_with_parent(signal.SIGTERM))
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(api_url):
            if server.poll() is not None:
                raise PrefectUnavailable(f"the Prefect server exited with status {server.returncode}: see {log_path}")
            if time.monotonic() > deadline:
                raise PrefectUnavailable(f"the Prefect server did not answer within {timeout:.0f} s: see {log_path}; "
                                         f"raise MEDIAMON_PREFECT_START_TIMEOUT")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = api_url
        yield api_url
    finally:
        stop_group(server)


def stop_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop a process started in its own session, and its children: SIGTERM, then SIGKILL after ``timeout``."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_ended(flow_run) -> str:
    """A served flow run's end in one line: its name and final state, and why unless it completed."""
    state = flow_run.state
    if state is None:
        return f"flow run {flow_run.name} ended"
    why = "" if state.is_completed() or not state.message else f": {state.message.splitlines()[0][:300]}"
    return f"flow run {flow_run.name} {state.name.lower()}{why}"


def serve_until_stopped(settings) -> None:
    """`mediamon serve`: the flows served (flows.serve) against PREFECT_API_URL's server, else one started
    here, until Ctrl-C or SIGTERM; a failure to start is one line (``fail``)."""
    from contextlib import nullcontext

    from core.errors import MediamonError
    from mediamon.cli_support import (check_archive, check_database, err, fail, leave_expected_failures_to_mediamon,
                                      quiet_prefect)

    check_database(settings)
    check_archive(settings)
    quiet_prefect()
    leave_expected_failures_to_mediamon()  # an interrupted run ends in its one line (``run_ended``)

    def say(message: str) -> None:
        err.print(f"mediamon: {message}", markup=False, highlight=False, soft_wrap=True)

    name = settings.db_path.name.removesuffix(".duckdb")
    server = (nullcontext(os.environ["PREFECT_API_URL"]) if os.environ.get("PREFECT_API_URL") else
              prefect_server(settings.db_path.with_name(f"{name}.prefect.log"), settings.prefect_start_timeout, say))
    try:
        with server as api_url:
            from flows.serve import serve_flows

            check_server(api_url)
            say(f"serving the nightly run (cron {settings.nightly_cron!r}), backfill, backfill-warc and reprocess "
                f"on {api_url}; Ctrl-C to stop")
            serve_flows(settings, lambda flow_run: say(run_ended(flow_run)))
    except MediamonError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        pass
    say("stopped serving")
