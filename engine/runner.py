"""The one batch loop: produce the next batch while the current one is consumed.

Every job (a nightly run, a URL or WARC backfill, reprocess, a shard) is a source of batches, a
stage that turns a batch into pages (fetch and analyse, or analyse only) and a sink that takes
them (a warehouse commit, a shard's Parquet file). The stage runs in a thread, on the network
and the analysis workers; the sink runs here, so that the source and the sink, which may share a
database connection, are never used from two threads at once. At most two batches are in memory.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

Batch = TypeVar("Batch")
Result = TypeVar("Result")


def run_pipelined(batches: Iterable[Batch], produce: Callable[[Batch], Result],
                  consume: Callable[[Batch, Result], None], stop: threading.Event | None = None) -> int:
    """``consume(batch, produce(batch))`` for every batch in order, producing batch n+1 (in a
    thread) while batch n is consumed (here). Returns how many batches were consumed.

    Once ``stop`` is set no further batch is taken: the batch in flight is still consumed (the stage
    ends it early: see ``engine.interrupt``).

    The source is read here, between the two: ``batches`` may be a generator that queries the same
    database the sink writes. If ``produce`` or ``consume`` raises, the batch in flight is waited
    for and dropped, and the error propagates; every batch consumed before it stays consumed.
    """
    consumed = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="produce") as producer:
        pending: tuple[Batch, Future] | None = None
        try:
            for batch in batches:
                if stop is not None and stop.is_set():
                    break
                following = (batch, producer.submit(produce, batch))
                if pending is not None:
                    consume(pending[0], pending[1].result())
                    consumed += 1
                pending = following
            if pending is not None:
                last, pending = pending, None
                consume(last[0], last[1].result())
                consumed += 1
        finally:
            if pending is not None:
                pending[1].cancel()
    return consumed
