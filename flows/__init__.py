"""The Prefect flows: thin faces of the engine's jobs, for the CLI, deployments and notebooks.

Prefect's local (ephemeral) server gets 20 s to start by default, too little for a first start on a
busy machine; unless the environment says otherwise, a process that imports the flows before
Prefect gives it as long as the CLI does (``MEDIAMON_PREFECT_START_TIMEOUT``'s default).
"""
import os

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
