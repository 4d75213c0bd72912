"""The batch processor: fetch threads hand pages to worker processes, started early when pages are coming."""
from flows.http import Fetcher
from flows.pipeline import BatchProcessor
from mediamon.settings import load_settings
from tests.loopback import Reply, html_page

PAGE = html_page("Appeal", ["The appeal of the Azerbaijanis of Russia was republished by many outlets. " * 6])


def test_workers_started_before_the_first_page_then_analyse_it(server, loopback_env):
    url = server.route("/a", lambda request: Reply(200, PAGE, {"Content-Type": "text/html; charset=utf-8"}))
    settings = load_settings()
    fetcher = Fetcher(settings)
    try:
        with BatchProcessor(fetcher, settings, cpu_workers=2) as processor:
            warming = processor.start_workers()
            workers = {future.result(timeout=120) for future in warming.result(timeout=120)}
            assert server.requests == []  # both started with no page fetched yet
            assert len(workers) >= 1 and all(isinstance(pid, int) for pid in workers)
            [page] = processor.process([url], {})
    finally:
        fetcher.close()
    assert page.article is not None and "Azerbaijanis of Russia" in page.article.text
    assert page.language.code == "en" and page.fingerprint is not None


def test_no_worker_processes_no_start(loopback_env):
    settings = load_settings()
    fetcher = Fetcher(settings)
    try:
        with BatchProcessor(fetcher, settings, cpu_workers=1) as processor:
            assert processor.start_workers() is None
    finally:
        fetcher.close()
