"""Progress of long work, per item, with rate and time left.

On a terminal: a bar (done/total, rate, elapsed, time left), redrawn as items complete. Elsewhere
(cron, nohup, a Prefect worker's log): one line on stderr every ``interval`` seconds (and at the end
of a run that printed one),
e.g. ``mediamon: fetching: 120/1810 URLs (6.6%), 4.1/s, 6m 52s left``. Thread-safe: the fetch threads
advance it as each URL completes.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

DEFAULT_INTERVAL = 30.0  # seconds between progress lines without a terminal


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:.1f}/s" if task.speed else "-/s", style="progress.data.speed")


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class ProgressReport:
    def __init__(self, description: str, total: int, unit: str = "URLs", interval: float = DEFAULT_INTERVAL,
                 stream: TextIO | None = None) -> None:
        self.description, self.total, self.unit, self.interval = description, total, unit, interval
        self.done = 0
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._next_line = self._started + interval
        self._printed = -1  # ``done`` when the last line was printed
        self._bar = None
        if total and self._stream.isatty():
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
                                 TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                 console=Console(file=self._stream), transient=True)
            self._task = self._bar.add_task(description, total=total)

    def __enter__(self) -> "ProgressReport":
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar:
            self._bar.stop()
        elif self._printed >= 0 and self.done != self._printed:
            self._line()  # a run long enough to have shown progress ends with its last figures

    def describe(self, description: str) -> None:
        """Say what is being done now (the bar's label; the next progress line's, without a bar)."""
        with self._lock:
            self.description = description
            if self._bar:
                self._bar.update(self._task, description=description)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            if self._bar:
                self._bar.update(self._task, completed=self.done)
                return
            now = time.monotonic()
            if self.total and now >= self._next_line:
                self._next_line = now + self.interval
                self._line()

    def line(self) -> str:
        """The progress as one line of text."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self.done / elapsed
        left = f", {_duration((self.total - self.done) / rate)} left" if rate and self.done < self.total else ""
        share = 100 * self.done / self.total if self.total else 100.0
        return (f"mediamon: {self.description}: {self.done}/{self.total} {self.unit} ({share:.1f}%), "
                f"{rate:.1f}/s{left}")

    def _line(self) -> None:
        self._printed = self.done
        print(self.line(), file=self._stream, flush=True)
