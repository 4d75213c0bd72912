"""Ctrl-C and SIGTERM stop a run gracefully: no new work starts, what was fetched is committed.

While a job runs, SIGINT and SIGTERM set the run's stop event instead of raising inside whatever
code happens to run (Prefect's client, a DuckDB commit, a worker pool): the batch loop takes no new
batch, the fetch stage starts no new URL and abandons the requests in flight (their URLs stay
unfetched, so the next run fetches them), the pages fetched before the signal are analysed and
committed, and the run is recorded ``interrupted``. A second signal ends the process at once.

A process that runs jobs on behalf of others (`mediamon serve`: flows.serving) asks its running jobs
to stop the same way with ``stop_running_jobs``: a flow run cancelled from Prefect, or the serving
process told to stop while a run is in progress.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

log = logging.getLogger("mediamon")
SIGNALS = (signal.SIGINT, signal.SIGTERM)

_running_jobs: set[threading.Event] = set()  # the stop events of the jobs running in this process
_running_jobs_lock = threading.Lock()


def stop_running_jobs() -> int:
    """Ask every job running in this process to stop, as a first Ctrl-C would; returns how many were asked.
    (Not for a signal handler: it takes a lock.)"""
    with _running_jobs_lock:
        running = list(_running_jobs)
    for stop in running:
        stop.set()
    return len(running)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """Within the block, SIGINT and SIGTERM set ``stop``, and so does ``stop_running_jobs``. (Signal
    handlers need the main thread: elsewhere the block keeps the handlers the process has, and whoever
    owns them stops the job with ``stop_running_jobs``.)"""
    with _running_jobs_lock:
        _running_jobs.add(stop)
    try:
        if threading.current_thread() is threading.main_thread():
            with _signals_set(stop):
                yield stop
        else:
            yield stop
    finally:
        with _running_jobs_lock:
            _running_jobs.discard(stop)


@contextmanager
def _signals_set(stop: threading.Event) -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM set ``stop``; a second one ends the process at once."""

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():  # the second signal: no more waiting
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        stop.set()
        if sys.stderr.isatty():  # on a terminal, say so at once; the run's last line says what was kept
            print("mediamon: stopping: storing what was fetched (press Ctrl-C again to quit at once)",
                  file=sys.stderr, flush=True)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def leave_signals_to_the_run() -> None:
    """The analysis workers and their fork server leave SIGINT and SIGTERM to the run's process,
    which stops them when the run ends: a terminal's Ctrl-C, or a SIGTERM to the process group,
    reaches them too, and must not kill pages being analysed. (The fork server ends when the run's
    process does; a worker is killed when its fork server dies: ``die_with_parent``.)"""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


_PR_SET_PDEATHSIG = 1


def die_with_parent(signum: int) -> None:
    """Ask Linux to send ``signum`` to this process when its parent (thread) dies; elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)
    except (OSError, AttributeError):
        pass
