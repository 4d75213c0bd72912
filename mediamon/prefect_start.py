"""Prefect reachable before a flow starts, or one line saying why not.

Without ``PREFECT_API_URL``, Prefect runs flows against a local server it starts on first use, and
gives it ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (20 s) to answer. On a fresh home
directory (the server's database is created and migrated) with busy cores that is not enough, and
the run died with a traceback. The CLI starts that server itself, first, with its own limit
(``MEDIAMON_PREFECT_START_TIMEOUT``, 300 s) and a line saying what it is doing; the flow then finds
it running. The server runs in its own session, so a Ctrl-C meant for the run does not kill the
server the run is still reporting to, and (on Linux) it is told to stop when this process dies.

With ``PREFECT_API_URL`` set, the server it names must answer its health check, else one line.
"""
from __future__ import annotations

import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from core.errors import PrefectUnavailable
from engine.interrupt import die_with_parent

def _die_with_parent() -> None:  # runs in the child between fork and exec
    die_with_parent(signal.SIGTERM)


@contextmanager
def _detached_popen(log) -> Iterator[None]:
    """Within the block, processes started with subprocess.Popen get their own session, write their
    console output to ``log`` (a server started as a subprocess inherits the terminal, and what it logs
    as it is stopped at exit would follow mediamon's last line), and on Linux get SIGTERM when this
    process dies."""
    real = subprocess.Popen

    def detached(*args, **kwargs):
        kwargs.setdefault("start_new_session", True)
        kwargs.setdefault("preexec_fn", _die_with_parent)
        kwargs.setdefault("stdout", log)
        kwargs.setdefault("stderr", subprocess.STDOUT)
        return real(*args, **kwargs)

    subprocess.Popen = detached
    try:
        yield
    finally:
        subprocess.Popen = real


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:300]


def check_server(api_url: str, timeout: float = 10.0) -> None:
    """The Prefect server at ``api_url`` answers its health check, or PrefectUnavailable."""
    import httpx

    try:
        response = httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout)
        response.raise_for_status()
    except (httpx.HTTPError, OSError) as exc:
        raise PrefectUnavailable(
            f"cannot reach the Prefect server at {api_url} (PREFECT_API_URL): {_first_line(exc)}; "
            f"start it (`prefect server start`) or unset PREFECT_API_URL to use a local one") from None


def start_prefect(timeout: float, say: Callable[[str], None]) -> None:
    """Make sure the Prefect API a flow will use answers: the configured server, or the local one
    started here within ``timeout`` seconds."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME

    api_url = PREFECT_API_URL.value()
    if api_url:
        check_server(api_url)
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.running:
        return
    say("starting Prefect's local server (the first start on a new machine can take a minute)")
    log_path = Path(PREFECT_HOME.value()) / "mediamon-local-server.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log, _detached_popen(log):
            server.start(timeout=max(1, round(timeout)))
    except Exception as exc:
        raise PrefectUnavailable(
            f"Prefect's local server did not answer within {timeout:.0f} s ({_first_line(exc)}; its log: "
            f"{log_path}); raise MEDIAMON_PREFECT_START_TIMEOUT, or start a server (`prefect server start`) "
            f"and set PREFECT_API_URL") from None
