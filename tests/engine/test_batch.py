"""The batch processor: fetch threads hand pages to worker processes, started early when pages are coming."""
from dataclasses import replace

import pytest

from fetch import Fetcher
from engine.batch import BatchProcessor
from core.records import Outcome, Validators
from core.settings import load_settings
from testkit.loopback import Reply, html_page

PAGE = html_page("Appeal", ["The appeal of the Azerbaijanis of Russia was republished by many outlets. " * 6])
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def settings(loopback_env):
    return replace(load_settings(), cpu_workers=2)


@pytest.fixture
def fetcher(settings):
    fetcher = Fetcher(settings)
    yield fetcher
    fetcher.close()


def test_workers_started_before_the_first_page_then_analyse_it(server, settings, fetcher):
    url = server.route("/a", lambda request: Reply(200, PAGE, HTML))
    with BatchProcessor(fetcher, settings) as processor:
        warming = processor.start_workers()
        workers = {future.result(timeout=120) for future in warming.result(timeout=120)}
        assert server.requests == []  # the pool is up and answering with no page fetched yet
        assert workers and all(isinstance(pid, int) for pid in workers)
        [page] = processor.process([url], {})
    assert page.article is not None and "Azerbaijanis of Russia" in page.article.text
    assert page.language.code == "en" and page.fingerprint is not None


def test_no_worker_processes_no_start(settings, fetcher):
    with BatchProcessor(fetcher, settings, cpu_workers=1) as processor:
        assert processor.start_workers() is None


def test_fork_server_started_early_serves_the_run_pool(server, settings, fetcher):
    """start_fork_server (the CLI calls it when a backfill has URLs never stored) starts the one fork
    server this process's worker pool then forks from."""
    import multiprocessing.forkserver

    from engine.pool import start_fork_server

    start_fork_server(settings)
    forkserver = multiprocessing.forkserver._forkserver  # the process-wide fork server (no public accessor)
    started = forkserver._forkserver_pid
    assert started is not None
    url = server.route("/b", lambda request: Reply(200, PAGE, HTML))
    with BatchProcessor(fetcher, settings) as processor:
        [page] = processor.process([url], {})
    assert page.article is not None
    assert forkserver._forkserver_pid == started  # the same server: not a second one


def test_a_batch_answered_by_304_starts_no_worker_and_a_new_url_does(server, settings, fetcher):
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, PAGE, {**HTML, "ETag": '"v1"'})

    known, new = server.route("/known", conditional), server.route("/new", conditional)
    with BatchProcessor(fetcher, settings) as processor:
        [page] = processor.process([known], {known: Validators(etag='"v1"')})
        assert page.fetch.outcome == Outcome.NOT_MODIFIED and not processor.workers_started
        [page] = processor.process([new], {})
        assert processor.workers_started and page.article is not None


def test_pages_waiting_for_the_workers_are_bounded_whatever_the_batch_size(server, settings, fetcher, monkeypatch):
    """Fetching waits for extraction beyond PAGES_IN_FLIGHT_PER_WORKER pages a worker: the bodies held
    do not grow with the batch. Every page of the batch is still analysed, in the batch's order."""
    import threading

    import engine.pool as pipeline

    monkeypatch.setattr(pipeline, "PAGES_IN_FLIGHT_PER_WORKER", 2)
    urls = [server.route(f"/p{n}", lambda request, n=n: Reply(200, html_page(f"Page {n}", [
        f"Report number {n} on the appeal of the Azerbaijanis of Russia, republished by many outlets. " * 5]), HTML))
        for n in range(24)]
    pending, most, lock = 0, 0, threading.Lock()

    class Counting:
        def __init__(self, pool):
            self.pool = pool

        def submit(self, fn, *args):
            nonlocal pending, most
            future = self.pool.submit(fn, *args)
            if fn is pipeline.analyse_body:
                with lock:
                    pending += 1
                    most = max(most, pending)

                def done(_):
                    nonlocal pending
                    with lock:
                        pending -= 1
                future.add_done_callback(done)
            return future

    with BatchProcessor(fetcher, settings) as processor:
        real_pool = processor.pool._pool
        monkeypatch.setattr(processor.pool, "_pool", lambda: Counting(real_pool()))
        pages = processor.process(urls, {})
    assert [p.fetch.url for p in pages] == urls
    assert all(p.article is not None and f"Report number {n} " in p.article.text for n, p in enumerate(pages))
    assert all(p.fetch.body is None for p in pages)
    assert 1 <= most <= 2 * 2  # two pages for each of the two workers
