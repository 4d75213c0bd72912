"""Flow runs in this process without Prefect's flow-run heartbeats, unless the environment asks for them.

Prefect's heartbeat thread sleeps in one-second steps and a run waits for it to notice its end: up
to a second added to every run (about 0.8 s measured on a served no-change rerun of 1.6 s). mediamon
needs no heartbeat from these runs: a run of the CLI is watched from its terminal and one killed is
marked ``crashed`` in the ``runs`` table at the next open; a served run left Running by a killed
serving process is marked Crashed by the next ``mediamon serve`` (flows.serving). Shard runs on a
work pool's workers keep theirs: the sharded driver watches them (flows.sharded).
"""
from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext

HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")


def without_heartbeats() -> AbstractContextManager:
    """Prefect settings with no flow-run heartbeats for what runs inside, unless set in the environment."""
    if any(name in os.environ for name in HEARTBEAT_VARIABLES):
        return nullcontext()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
