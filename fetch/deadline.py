"""A total deadline per response that no slow server can stretch.

Connect and read timeouts bound each socket operation, not a whole response: a server that sends
one byte of its headers or body every few seconds never trips them. A :class:`Watchdog` thread
shuts the socket down when a response's deadline passes, which wakes whatever read is blocked on
it; the fetcher then sees :attr:`ResponseClock.expired` and records a timeout.

The socket is registered by the connection itself (``fetch.pinned``) through a context
variable, so header reads inside ``requests`` are covered as well as body reads.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator


class ResponseClock:
    """The deadline of one response and the socket it arrives on."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._active = True
        self.expired = False

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def watch(self, sock: socket.socket | None) -> None:
        """Register the socket this response uses (cut at once if the deadline already passed)."""
        with self._lock:
            self._sock = sock
            cut = self._active and self.expired
        if cut:
            _shut(sock)

    def expire(self) -> None:
        """Called by the watchdog at the deadline: stop the transfer now."""
        with self._lock:
            if not self._active:
                return
            self.expired = True
            sock = self._sock
        _shut(sock)

    def disarm(self) -> bool:
        """Stop watching (the response is complete, or abandoned); True if the deadline had not cut it."""
        with self._lock:
            self._active = False
            self._sock = None
            return not self.expired


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing left to stop


_current: ContextVar[ResponseClock | None] = ContextVar("mediamon_response_clock", default=None)


def watch_socket(sock: socket.socket | None) -> None:
    """Put ``sock`` under the current response's deadline (no-op outside one)."""
    clock = _current.get()
    if clock is not None:
        clock.watch(sock)


class Watchdog:
    """One thread that expires response clocks at their deadlines."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, ResponseClock]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._stopped = False  # expire_all was called: every clock is born expired

    @contextmanager
    def armed(self, seconds: float) -> Iterator[ResponseClock]:
        """A clock for one response, current in this thread while the block runs."""
        clock = ResponseClock(time.monotonic() + seconds)
        self._add(clock)
        token = _current.set(clock)
        try:
            yield clock
        finally:
            _current.reset(token)
            clock.disarm()

    def _add(self, clock: ResponseClock) -> None:
        with self._wake:
            if self._stopped:  # the run is stopping: the response is cut as soon as it has a socket
                clock.expire()
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (clock.deadline, next(self._order), clock))
            self._wake.notify()

    def _due(self) -> list[ResponseClock]:
        """Wait for the next deadline; return the clocks that are due (empty when closed)."""
        with self._wake:
            while not self._closed:
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    due = []
                    while self._heap and self._heap[0][0] <= now:
                        due.append(heapq.heappop(self._heap)[2])
                    return due
                self._wake.wait(self._heap[0][0] - now if self._heap else None)
            return []

    def _run(self) -> None:
        while True:
            due = self._due()
            if not due:
                return
            for clock in due:
                clock.expire()

    def expire_all(self) -> None:
        """Cut every response in flight now, and every one started from now on (the run is stopping)."""
        with self._wake:
            self._stopped = True
            due = [entry[2] for entry in self._heap]
            self._heap.clear()
        for clock in due:
            clock.expire()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
