"""Probe flows served in process by flows.serving, for tests: where a run executes, a run that fails,
a run that works until it is asked to stop.

    python -m testkit.served_probe OUT_DIR NAME

serves ``probe-where/NAME``, ``probe-fail/NAME`` and ``probe-wait/NAME`` until SIGINT or SIGTERM.
Each run of ``probe-where`` appends ``<process id> <thread name>`` to OUT_DIR/where.txt;
``probe-wait`` writes OUT_DIR/waiting-<n>, waits (at most ``WAIT_LIMIT`` s) for its stop request, as
a mediamon job does (engine.interrupt), writes OUT_DIR/stopped-<n> and ends interrupted.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from prefect import flow

from core.errors import Interrupted
from engine.interrupt import stop_on_signals
from flows.serving import Served, serve_in_process

WAIT_LIMIT = 300.0


@flow(name="probe-where")
def where(out: str) -> int:
    with open(Path(out) / "where.txt", "a") as log:
        log.write(f"{os.getpid()} {threading.current_thread().name}\n")
    return os.getpid()


@flow(name="probe-fail")
def fail(out: str) -> None:
    raise RuntimeError("the probe failed on purpose")


@flow(name="probe-wait")
def wait_until_stopped(out: str, n: int = 0) -> None:
    with stop_on_signals(threading.Event()) as stop:
        (Path(out) / f"waiting-{n}").touch()
        stopped = stop.wait(WAIT_LIMIT)
    (Path(out) / f"stopped-{n}").write_text("asked to stop" if stopped else "never asked")
    raise Interrupted("interrupted: the probe stopped when asked")


def main(out: str, name: str) -> None:
    where_am_i = {"out": out}
    serve_in_process([Served(probe, probe.to_deployment(name, parameters=where_am_i))
                      for probe in (where, fail, wait_until_stopped)], query_seconds=0.5,
                     on_run_end=lambda run: print(f"{run.name} {run.state.type.value}", file=sys.stderr, flush=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
