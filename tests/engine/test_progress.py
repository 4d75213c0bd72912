"""Progress without a terminal: a line every interval and one at the end, with rate and time left."""
import io
import threading

from engine.progress import ProgressReport


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_interval_and_at_the_end(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("engine.progress.time.monotonic", clock)
    stream = io.StringIO()
    with ProgressReport("fetching", 100, interval=10, stream=stream) as progress:
        for _ in range(40):
            clock.now += 0.5   # 2 URLs a second
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert lines == ["mediamon: fetching: 20/100 URLs (20.0%), 2.0/s, 40s left",
                     "mediamon: fetching: 40/100 URLs (40.0%), 2.0/s, 30s left"]


def test_advanced_from_many_threads_counts_every_item():
    stream = io.StringIO()
    progress = ProgressReport("fetching", 8000, interval=3600, stream=stream)
    threads = [threading.Thread(target=lambda: [progress.advance() for _ in range(1000)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert progress.done == 8000
