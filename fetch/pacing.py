"""Per-host pacing: at most N requests in flight and a minimum gap between requests to one host."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from itertools import chain, zip_longest
from typing import Iterator
from urllib.parse import urlsplit


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def interleave_by_host(urls: list[str]) -> list[str]:
    """``urls`` reordered round-robin across hosts (hosts in order of first appearance).

    A pool of workers taking URLs in this order spreads over the hosts, instead of every worker
    queuing at one host's pacing while the other hosts wait.
    """
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[_host(url)].append(url)
    rounds = zip_longest(*by_host.values())
    return [url for url in chain.from_iterable(rounds) if url is not None]


class HostPacer:
    """At most ``concurrency`` requests in flight per host, started at least ``delay`` seconds apart."""

    def __init__(self, concurrency: int, delay: float) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self.woken = threading.Event()  # set: waits end at once (the run is stopping)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = defaultdict(float)

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            if host not in self._slots:
                self._slots[host] = threading.BoundedSemaphore(self._concurrency)
            return self._slots[host]

    def _reserve_start(self, host: str, delay: float) -> float:
        """The earliest time this request may start; later requests queue behind it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start[host])
            self._next_start[host] = start + delay
            return start

    @contextmanager
    def request(self, host: str, delay: float | None = None) -> Iterator[None]:
        """Hold one of ``host``'s slots, started no sooner than the delay after the previous start."""
        slot = self._slot(host)
        with slot:
            wait = self._reserve_start(host, self._delay if delay is None else delay) - time.monotonic()
            if wait > 0:
                self.woken.wait(wait)
            yield
