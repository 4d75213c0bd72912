"""The fetch stage: a batch of URLs fetched with threads, each page analysed on the analysis pool
(``engine.pool``) as soon as it arrives, so extraction of early pages overlaps the fetching of later
ones.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable

from core.records import NOT_AN_ARTICLE, FetchResult, Outcome, Page, Validators
from core.settings import Settings
from engine.not_found import NotFoundAnswers
from engine.pool import AnalysisPool, resolved_page
from extractors.page_kind import landed_on_not_found
from fetch import Fetcher
from fetch.wayback import is_dead


@dataclass(frozen=True, slots=True)
class FetchBatch:
    """URLs to fetch, with what the warehouse knows of them."""

    urls: list[str]
    validators: dict[str, Validators] = field(default_factory=dict)  # URL -> stored ETag/Last-Modified
    cited_at: dict[str, date] = field(default_factory=dict)          # URL -> its citing seed's date
    no_web_archive: frozenset[str] = frozenset()  # dead links the web archive is not asked for again

    def __len__(self) -> int:
        return len(self.urls)


class BatchProcessor:
    """The fetch stage: a batch of URLs fetched by a thread pool, each page analysed on the pool.

    A live page is compared with its host's not-found answer (``engine.not_found``); one that turns
    out not to be the article (a challenge, a consent wall, a soft 404) goes to the web archive as a
    dead link does, when ``MEDIAMON_WAYBACK_ON`` lists its outcome."""

    def __init__(self, fetcher: Fetcher, settings: Settings, cpu_workers: int | None = None,
                 pool: AnalysisPool | None = None, stop: threading.Event | None = None,
                 on_url_done: Callable[[], None] | None = None) -> None:
        self.fetcher, self.settings = fetcher, settings
        self.stop = stop or threading.Event()
        self.on_url_done = on_url_done  # called once per URL fetched (progress)
        self.pool = pool or AnalysisPool.for_settings(settings, cpu_workers)
        self._owns_pool = pool is None
        self._threads = ThreadPoolExecutor(max_workers=settings.fetch_workers, thread_name_prefix="fetch")
        self.not_found = NotFoundAnswers(fetcher, self.pool.text_of) if settings.not_found_probe else None
        self._falls_back = fetcher.web_archive is not None and bool(NOT_AN_ARTICLE & set(settings.wayback_on))

    @property
    def workers_started(self) -> bool:
        return self.pool.started

    def start_workers(self) -> Future | None:
        """Start the worker processes now, in the background, rather than when the first page
        arrives: their start (about 2 s of imports and models) then overlaps the first fetches.
        ``process`` calls it for a batch with URLs never fetched (no validators); a run of
        conditional GETs answered 304 never needs the workers.
        Returns a future of one future per worker (None without worker processes)."""
        if self.pool.workers <= 1:
            return None
        return self._threads.submit(self.pool.start)

    def _fetch_and_hand_over(self, url: str, validators: Validators | None, cited_at: date | None,
                             web_archive: bool = True):
        """Fetch ``url`` and hand each page to the workers; the attempts are kept without their bodies
        (the pool holds a page's body until it is analysed, the archive has the bytes). A live page
        found not to be the article is followed by the web archive's attempts, as a dead link is.
        (``web_archive``: whether it may be asked at all.) Once the run is stopping, a URL is not fetched, and a fetch that ends after the stop is not
        kept: the URL stays unfetched for the next run."""
        if self.stop.is_set():
            return []
        attempts = self.fetcher.fetch(url, validators, cited_at, web_archive)
        if self.stop.is_set():
            return []
        if self.on_url_done is not None:
            self.on_url_done()
        handed = [self._hand_over(fetch) for fetch in attempts]
        last = attempts[-1]
        if web_archive and self._falls_back and last.via == "live" and last.outcome == Outcome.OK:
            verdict = resolved_page(*handed[-1]).fetch  # waits for this page's analysis
            if verdict.outcome in NOT_AN_ARTICLE and is_dead(verdict, self.settings.wayback_on):
                handed += [self._hand_over(fetch) for fetch in self.fetcher.from_web_archive(url, cited_at)]
        return handed

    def _hand_over(self, fetch: FetchResult):
        """(the attempt without its body, its analysis: a future, a value or None)."""
        answer = self.not_found.for_page(fetch) if self.not_found and NotFoundAnswers.wanted(fetch) else None
        landed = landed_on_not_found(fetch.final_url or fetch.url, bool(fetch.redirects), answer)
        if landed is not None:
            return replace(fetch, body=None), landed
        return replace(fetch, body=None), self.pool.submit(fetch, answer)

    def process(self, urls: list[str], validators: dict[str, Validators],
                cited_at: dict[str, date] | None = None, no_web_archive: frozenset[str] = frozenset()) -> list[Page]:
        """Every attempt for every URL as a Page, in the order of ``urls``."""
        cited_at = cited_at or {}
        if not self.workers_started and any(url not in validators for url in urls):
            self.start_workers()  # URLs never fetched: pages to analyse are coming
        fetched = [self._threads.submit(self._fetch_and_hand_over, url, validators.get(url), cited_at.get(url),
                                        url not in no_web_archive)
                   for url in urls]
        self._wait(fetched)
        return [resolved_page(fetch, analysis) for future in fetched for fetch, analysis in future.result()]

    def _wait(self, fetched: list[Future]) -> None:
        """Wait for the batch's fetches; when the run is asked to stop, cut the ones in flight."""
        pending = set(fetched)
        while pending:
            _, pending = wait(pending, timeout=0.2)
            if pending and self.stop.is_set():
                self.fetcher.abort()
                wait(pending)
                return

    def __call__(self, batch: FetchBatch) -> list[Page]:
        return self.process(batch.urls, batch.validators, batch.cited_at, batch.no_web_archive)

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        if self._owns_pool:
            self.pool.close()

    def __enter__(self) -> "BatchProcessor":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
