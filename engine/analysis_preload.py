"""Imported once, by the fork server of the extraction workers (engine.pool.AnalysisPool).

It loads everything the first page would (trafilatura, the language models, datasketch) before
any worker is forked, so every worker starts with them in memory, shared copy-on-write, instead
of each spending about a second of CPU loading its own copy (docs/design.md).
"""
import gc

from engine.analysis import warm_up
from engine.interrupt import leave_signals_to_the_run

leave_signals_to_the_run()  # a SIGTERM to the process group must not break the pool
warm_up()
# CPython's advice for a process that forks without exec: freeze what is loaded, so that no
# collection in a worker traverses these objects or writes to the memory pages the workers share
gc.freeze()
