"""The analysis pool every job uses: the CPU step of each page on worker processes.

``engine.analysis.analyse_body`` is the pure CPU step (extraction, language, fingerprint). It runs
in one pool of worker processes (``AnalysisPool``): the fetch stage (``engine.batch``) hands each
page to it as soon as it arrives, so extraction of early pages overlaps the fetching of later ones;
reprocess and WARC backfills hand over pages read from files (``Analyser``). At most
``PAGES_IN_FLIGHT_PER_WORKER`` pages a worker wait for extraction: a producer with a page beyond that
waits for a slot, so the bodies held in memory do not grow with the batch size.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from core.records import FetchResult, Outcome, Page
from core.settings import Settings
from extractors.page_kind import NotArticle, NotFoundAnswer

if TYPE_CHECKING:
    from engine.analysis import Analysis

# pages handed to the workers and not yet analysed, per worker: enough that a worker always finds
# the next page queued (the hand-over needs this process's GIL, shared with the fetch threads)
PAGES_IN_FLIGHT_PER_WORKER = 8


def analyse_body(body: bytes, url: str, content_type: str | None, sample_chars: int,
                 not_found: NotFoundAnswer | None = None) -> "Analysis | NotArticle | None":
    """``engine.analysis.analyse_body``, imported on first use (preloaded in the worker processes)."""
    from engine.analysis import analyse_body as analyse_in_this_process
    return analyse_in_this_process(body, url, content_type, sample_chars, not_found)


def not_found_text(body: bytes, url: str, content_type: str | None) -> str | None:
    """``engine.analysis.not_found_text``, imported on first use (preloaded in the worker processes)."""
    from engine.analysis import not_found_text as text_in_this_process
    return text_in_this_process(body, url, content_type)


def _needs_analysis(fetch: FetchResult) -> bool:
    return fetch.outcome == Outcome.OK and bool(fetch.body)


def _page(fetch: FetchResult, analysis: "Analysis | NotArticle | None") -> Page:
    """The page handed to the sink; the body stays behind (the archive keeps the bytes). A page that
    is not an article is its fetch, with the kind as its outcome and the evidence as its error."""
    fetch = replace(fetch, body=None)
    if isinstance(analysis, NotArticle):
        return Page(replace(fetch, outcome=analysis.outcome, error=analysis.reason[:500]))
    if analysis is None:
        return Page(fetch)
    return Page(fetch, analysis.article, analysis.language, analysis.fingerprint, analysis.content_sha256)


def _warm_worker() -> None:
    """Load the extractors' models in a worker process before its first page (a no-op when the
    fork server preloaded them, as it does); signals are the parent's to handle."""
    import signal

    from engine.analysis import warm_up
    from engine.interrupt import die_with_parent, leave_signals_to_the_run
    leave_signals_to_the_run()
    die_with_parent(signal.SIGKILL)  # no worker outlives its fork server (which ends with the run)
    warm_up()


def _started() -> int:
    return os.getpid()


def _fork_server_context():
    """The workers' start method: a fork server that preloads only this module and
    engine.analysis_preload (the extractors, with their models loaded); see ``AnalysisPool``."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "engine.analysis_preload"])
    return context


def worker_processes(settings: Settings) -> int:
    """How many extraction processes a run uses: the setting, else one per core (1: analyse in-process)."""
    return settings.cpu_workers or (os.cpu_count() or 1)


def start_fork_server(settings: Settings) -> None:
    """Start the workers' fork server now (when the run will have worker processes). Its preload
    (about 2 s of imports and model loading, in its own process) then runs while the caller imports
    Prefect and starts the flow, instead of after the first page arrives. The worker pool of this
    process's run forks its workers from it."""
    if worker_processes(settings) > 1:
        _fork_server_context()
        multiprocessing.forkserver.ensure_running()


class AnalysisPool:
    """The analysis worker processes of a run (or analysis in this process with one worker).

    Not fork: the run's process has threads (Prefect, fetchers) that a fork would copy mid-lock.
    Not spawn: it re-imports the parent's ``__main__`` in every child, and under a Prefect worker
    that is ``prefect.engine``, which fails to import that way. A fork server preloading only this
    module and engine.analysis_preload starts clean, single-threaded, with the extractors imported
    and their models loaded, and every worker forked from it starts warm. Each page travels as its
    bytes and three small values, never the settings.
    """

    def __init__(self, workers: int, sample_chars: int) -> None:
        self.workers, self.sample_chars = workers, sample_chars
        self._processes: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(PAGES_IN_FLIGHT_PER_WORKER * max(1, workers))

    @classmethod
    def for_settings(cls, settings: Settings, workers: int | None = None) -> "AnalysisPool":
        return cls(workers if workers is not None else worker_processes(settings), settings.language_sample_chars)

    def _pool(self) -> ProcessPoolExecutor:
        """The worker processes, started when the first page needs them (a run of 304s never does)."""
        with self._lock:
            if self._processes is None:
                self._processes = ProcessPoolExecutor(self.workers, mp_context=_fork_server_context(),
                                                      initializer=_warm_worker)
            return self._processes

    @property
    def started(self) -> bool:
        return self._processes is not None

    def start(self) -> list[Future] | None:
        """Start every worker process now; one future per worker (None without worker processes)."""
        if self.workers <= 1:
            return None
        return [self._pool().submit(_started) for _ in range(self.workers)]

    def submit(self, fetch: FetchResult, not_found: NotFoundAnswer | None = None) -> "Future | Analysis | None":
        """Analyse ``fetch``'s body (``not_found``: its host's answer for an address that cannot exist):
        a future on the workers, the analysis itself with one worker, None when the fetch has nothing
        to analyse. Waits while the workers have enough pages queued."""
        if not _needs_analysis(fetch):
            return None
        return self._run(analyse_body, fetch.body, fetch.final_url or fetch.url, fetch.content_type,
                         self.sample_chars, not_found)

    def text_of(self, fetch: FetchResult) -> str | None:
        """The visible text of ``fetch``'s body (a host's not-found answer), read on the workers (waits for it)."""
        done = self._run(not_found_text, fetch.body, fetch.final_url or fetch.url, fetch.content_type)
        return done.result() if isinstance(done, Future) else done

    def _run(self, function, *args):
        if self.workers <= 1:
            return function(*args)
        self._slots.acquire()
        try:
            future = self._pool().submit(function, *args)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def close(self) -> None:
        if self._processes:
            self._processes.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "AnalysisPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def resolved_page(fetch: FetchResult, analysis: "Future | Analysis | NotArticle | None") -> Page:
    return _page(fetch, analysis.result() if isinstance(analysis, Future) else analysis)


class Analyser:
    """The analysis-only stage (reprocess, WARC backfill): fetches read from files, through the pool."""

    def __init__(self, pool: AnalysisPool) -> None:
        self.pool = pool

    def __call__(self, fetches: list[FetchResult]) -> list[Page]:
        handed = [(replace(fetch, body=None), self.pool.submit(fetch)) for fetch in fetches]
        return [resolved_page(fetch, analysis) for fetch, analysis in handed]


def analyse(fetch: FetchResult, settings: Settings) -> Page:
    """One fetched page through the CPU step, in this process."""
    if not _needs_analysis(fetch):
        return _page(fetch, None)
    return _page(fetch, analyse_body(fetch.body, fetch.final_url or fetch.url, fetch.content_type,
                                     settings.language_sample_chars))
