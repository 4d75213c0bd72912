"""Progress of long work: a bar on a terminal, a log line every tenth of the way elsewhere."""
from __future__ import annotations

import logging
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

log = logging.getLogger("mediamon")


class ProgressReport:
    def __init__(self, description: str, total: int) -> None:
        self.description, self.total, self.done = description, total, 0
        self._next_log = 0.1
        self._bar = None
        if sys.stderr.isatty() and total:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), transient=True)
            self._task = self._bar.add_task(description, total=total)

    def __enter__(self) -> "ProgressReport":
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar:
            self._bar.stop()

    def describe(self, description: str) -> None:
        """Say what is being done now (the bar's label; logged where there is no bar)."""
        self.description = description
        if self._bar:
            self._bar.update(self._task, description=description)
        else:
            log.info("%s", description)

    def advance(self, n: int) -> None:
        self.done += n
        if self._bar:
            self._bar.update(self._task, completed=self.done)
        elif self.total and self.done / self.total >= self._next_log:
            log.info("%s: %d/%d", self.description, self.done, self.total)
            while self._next_log <= self.done / self.total:
                self._next_log += 0.1
