"""Deployments served from this process, every flow run executed in it: no process started per run.

Prefect's ``serve()`` starts a fresh Python process for each flow run, and importing Prefect and
mediamon there takes seconds: more than a nightly rerun with nothing new to fetch. This loop does the
rest of what ``serve()`` does (register the deployments, ask the server every ``query_seconds`` for
their runs that are due, claim each by setting it Pending) and runs the flow with Prefect's own
engine (``prefect.flow_engine.run_flow``) on a thread of this process, one run at a time. Prefect
records the run as it records any other: its states, logs, artifacts and result.

- Cancelling a run in Prefect asks its job to stop as a first Ctrl-C does (engine.interrupt): what
  was fetched is stored, mediamon records the run ``interrupted``, Prefect ``Cancelled``.
- SIGINT or SIGTERM stops serving: no new run starts, a run in progress stops the same way (recorded
  ``interrupted``); a second signal ends the process at once.
- A flow that raises ends ``Failed`` (Prefect's engine; mediamon records it ``failed``); should the
  engine itself fail, the run ends ``Crashed``.
- A run left ``Running`` by a serving process that died (killed, power lost) is marked ``Crashed``
  when ``mediamon serve`` next starts on the host: each run records its serving process
  (``infrastructure_pid``: host and process id), and only runs whose process is gone are marked.
- Stopping pauses the deployments' schedules, as ``serve()`` does; the next start resumes them.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import FrameType
from typing import Callable, Sequence
from uuid import UUID

import httpx
from prefect import Flow
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (FlowRunFilter, FlowRunFilterDeploymentId, FlowRunFilterState,
                                            FlowRunFilterStateType)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.responses import SetStateStatus
from prefect.deployments.runner import RunnerDeployment
from prefect.flow_engine import run_flow
from prefect.states import Cancelled, Crashed, Pending

from core.errors import PrefectUnavailable
from engine.interrupt import SIGNALS, stop_running_jobs
from flows.heartbeats import without_heartbeats

log = logging.getLogger("mediamon")
UNFINISHED = [StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
TICK = 0.1  # seconds between looks at whether a signal asked to stop (the handler only sets a flag)
FAILED_POLLS_TOLERATED = 60  # a server restarting or too busy to answer for about a minute is waited for


@dataclass(frozen=True, slots=True)
class Served:
    """A flow and the deployment it is served as."""

    flow: Flow
    deployment: RunnerDeployment


@dataclass(slots=True)
class StopFlag:
    """Set by SIGINT or SIGTERM. The handler only sets an attribute (taking a lock in a signal
    handler can deadlock the thread it interrupts); the serving loop looks at it every ``TICK``."""

    is_set: bool = False
    signals: int = field(default=0, repr=False)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.signals += 1
        if self.signals > 1:  # the second signal: no more waiting
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        self.is_set = True


def this_process() -> str:
    """How a flow run records the process that executes it (Prefect's ``infrastructure_pid``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def serve_in_process(served: Sequence[Served], query_seconds: float,
                     on_run_end: Callable[[FlowRun], None] = lambda flow_run: None) -> None:
    """Register ``served``, then execute their due flow runs here, one at a time, until SIGINT or
    SIGTERM (handled here: call from the main thread). ``on_run_end`` is told each run's final record."""
    stop = StopFlag()
    previous = {signum: signal.signal(signum, stop.handle) for signum in SIGNALS}
    try:
        flows = {entry.deployment.apply(): entry.flow for entry in served}  # its schedules active
        with get_client(sync_client=True) as client:
            mark_dead_runs_crashed(client, list(flows))
            try:
                _poll_until_stopped(client, flows, stop, query_seconds, on_run_end)
            finally:
                _pause_schedules(client, list(flows))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _poll_until_stopped(client: SyncPrefectClient, flows: dict[UUID, Flow], stop: StopFlag, query_seconds: float,
                        on_run_end: Callable[[FlowRun], None]) -> None:
    """Every ``query_seconds``, run the deployments' due flow runs; after a run, look again at once. A
    server that does not answer is asked again, for about ``FAILED_POLLS_TOLERATED`` polls."""
    failed_polls = 0
    while not stop.is_set:
        try:
            ran = _run_due(client, flows, stop, query_seconds, on_run_end)
            failed_polls = 0
        except httpx.HTTPError as exc:
            failed_polls, ran = failed_polls + 1, False
            if failed_polls > FAILED_POLLS_TOLERATED:
                raise PrefectUnavailable(f"lost the Prefect server ({type(exc).__name__}: {str(exc)[:200]})") from exc
        if not ran:
            wait(stop, query_seconds)


def _run_due(client: SyncPrefectClient, flows: dict[UUID, Flow], stop: StopFlag, query_seconds: float,
             on_run_end: Callable[[FlowRun], None]) -> bool:
    """Run the flow runs due now (the server lists them earliest first); whether any ran."""
    ran = False
    for flow_run in client.get_scheduled_flow_runs_for_deployments(list(flows), datetime.now(timezone.utc)):
        if stop.is_set:
            break
        if claimed(client, flow_run.id):
            on_run_end(execute(client, flows[flow_run.deployment_id], flow_run.id, stop, query_seconds))
            ran = True
    return ran


def _pause_schedules(client: SyncPrefectClient, deployment_ids: list[UUID]) -> None:
    """As ``serve()`` does on stopping: no schedule piles up runs that no one serves."""
    try:
        for deployment in deployment_ids:
            client.pause_deployment(deployment)
    except httpx.HTTPError as exc:
        log.warning("could not pause the served deployments' schedules: %s", exc)


def wait(stop: StopFlag, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop.is_set and time.monotonic() < deadline:
        time.sleep(TICK)


def claimed(client: SyncPrefectClient, flow_run_id: UUID) -> bool:
    """Whether this process may run the flow run: the server accepted it Pending (another process
    serving the same deployment may have claimed it first)."""
    result = client.set_flow_run_state(flow_run_id, Pending())
    return result.status == SetStateStatus.ACCEPT


def execute(client: SyncPrefectClient, flow: Flow, flow_run_id: UUID, stop: StopFlag,
            query_seconds: float) -> FlowRun:
    """Run the claimed flow run on a thread of this process; meanwhile, stop its job when the run is
    cancelled in Prefect or a signal asks this process to stop. Returns the run's final record."""
    client.update_flow_run(flow_run_id, infrastructure_pid=this_process())
    flow_run = client.read_flow_run(flow_run_id)
    failure: list[BaseException] = []
    thread = threading.Thread(target=_run, args=(flow, flow_run, failure), name=f"flow run {flow_run.name}")
    thread.start()
    cancelled, next_look = False, time.monotonic() + query_seconds
    while thread.is_alive():
        thread.join(TICK)
        if not cancelled and time.monotonic() >= next_look:
            cancelled = _cancelling(client, flow_run_id)
            next_look = time.monotonic() + query_seconds
        if cancelled or stop.is_set:
            stop_running_jobs()  # the job stores what it fetched and ends ``interrupted``
    return _finish(client, flow_run_id, cancelled, failure)


def _run(flow: Flow, flow_run: FlowRun, failure: list[BaseException]) -> None:
    """Prefect's engine: it sets the run Running, then Completed or Failed by what the flow did."""
    try:
        with without_heartbeats():
            run_flow(flow, flow_run=flow_run, return_type="state")
    except BaseException as exc:  # the engine itself failed (e.g. it lost the server)
        failure.append(exc)


def _finish(client: SyncPrefectClient, flow_run_id: UUID, cancelled: bool,
            failure: list[BaseException]) -> FlowRun:
    """The final state the engine could not set: Cancelled for a run cancelled in Prefect (whose
    flow ended interrupted), Crashed when the engine failed before a final state."""
    flow_run = client.read_flow_run(flow_run_id)
    if cancelled and not (flow_run.state and flow_run.state.is_cancelled()):
        client.set_flow_run_state(flow_run_id, Cancelled(message="Cancelled: the run stopped early and stored "
                                                                  "what it had fetched."), force=True)
    elif not (flow_run.state and flow_run.state.is_final()):
        why = f"{type(failure[0]).__name__}: {failure[0]}" if failure else "the engine ended without a final state"
        log.error("flow run %s crashed: %s", flow_run.name, why)
        client.set_flow_run_state(flow_run_id, Crashed(message=f"The serving process could not run the flow: {why}"),
                                  force=True)
    return client.read_flow_run(flow_run_id)


def _cancelling(client: SyncPrefectClient, flow_run_id: UUID) -> bool:
    """Whether the run was cancelled in Prefect (a server that does not answer now is asked again later)."""
    try:
        state = client.read_flow_run(flow_run_id).state
    except httpx.HTTPError:
        return False
    return state is not None and state.type == StateType.CANCELLING


def mark_dead_runs_crashed(client: SyncPrefectClient, deployment_ids: list[UUID]) -> int:
    """Mark Crashed the unfinished runs of these deployments that a serving process on this host started
    and that died with it; returns how many."""
    runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
        deployment_id=FlowRunFilterDeploymentId(any_=deployment_ids),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=UNFINISHED))))
    dead = [run for run in runs if _process_gone(run.infrastructure_pid)]
    for run in dead:
        client.set_flow_run_state(run.id, Crashed(message="The serving process ended during the run "
                                                          f"({run.infrastructure_pid})."), force=True)
    return len(dead)


def _process_gone(infrastructure_pid: str | None) -> bool:
    """Whether ``host:pid`` names a process of this host that no longer runs (this process, just
    started, runs no flow run yet: a container restarted with the same process id)."""
    host, _, pid = (infrastructure_pid or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False
