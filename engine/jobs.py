"""The jobs a flow runs, as plain functions: record a run around some work, plan, fetch, store.

Each job is a source of batches, a stage and a sink put through ``engine.runner.run_pipelined``;
the Prefect flows (``flows/``) are thin faces of these.
"""
from __future__ import annotations

import logging
import time
from datetime import date, datetime
from typing import Callable, Iterator, Protocol

from archive.writer import WarcArchive
from core.records import FetchResult, Outcome, Page, Seed, Validators
from core.errors import Interrupted
from core.settings import Settings
from engine.batch import BatchProcessor, FetchBatch
from engine.inputs import UrlLine
from engine.interrupt import stop_on_signals
from engine.progress import ProgressReport
from engine.report import RunReport
from engine.runner import run_pipelined
from engine.sinks import WarehouseSink
from extractors.links import canonical_url
from fetch import Fetcher
from fetch.pacing import interleave_by_host
from warehouse import Warehouse

log = logging.getLogger("mediamon")


def open_warehouse(settings: Settings) -> Warehouse:
    """The writer's warehouse, with what an upgrade from an older schema left to compute filled in."""
    from extractors.crosslingual import anchors
    from extractors.seed_date import seed_published_at

    warehouse = Warehouse.open(settings.db_path, settings.near_threshold, settings.db_memory_limit,
                               settings.clock, settings.revisit)
    try:
        warehouse.fill_pending(anchors, seed_published_at)
    except BaseException:
        warehouse.close()
        raise
    return warehouse


def run_recorded(flow_name: str, settings: Settings, work: Callable[[Warehouse, RunReport], None]) -> RunReport:
    """Open the warehouse, record the run, do ``work(warehouse, report)``, record how it ended, publish.

    Ctrl-C or SIGTERM during the work stops it gracefully (engine.interrupt): what was fetched is
    committed, the run is recorded ``interrupted`` with its counts, and ``Interrupted`` is raised."""
    started = time.monotonic()
    with open_warehouse(settings) as warehouse:
        where = warehouse.session.analyst or warehouse.working  # the summary names the folder (or file) holding the state
        report = RunReport(run_id=warehouse.start_run(flow_name), flow=flow_name, db_path=str(where))
        error = None
        try:
            with stop_on_signals(report.stop):
                work(warehouse, report)
            report.status = "interrupted" if report.stop.is_set() else "completed"
        except BaseException as exc:
            report.status, error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            report.seconds = time.monotonic() - started  # the report may still be shown (ArchiveUnreadable)
            raise
        finally:
            warehouse.finish_run(report.run_id, report.status, urls_planned=report.urls_planned,
                                 counts=report.counts, new_seeds=report.new_seeds, error=error,
                                 planned=report.planned)
            warehouse.publish()
    report.seconds = time.monotonic() - started
    log.info("run %s %s: %d URLs, %d new articles", report.run_id, report.status, report.urls_planned,
             report.counts.new_articles)
    if report.status == "interrupted":
        counts = report.counts
        raise Interrupted(f"interrupted: {counts.urls_fetched + counts.urls_failed} of {report.urls_planned} "
                          f"planned URLs done and stored, {counts.new_articles} new articles; "
                          f"run the same command again to continue")
    return report


def ingest_seeds(warehouse: Warehouse, seeds: list[Seed], run_id: str, settings: Settings) -> int:
    """Store the seeds not seen before, with their language and fingerprint; return how many were new.
    Seeds already stored are not analysed again (a long seed's fingerprint takes a tenth of a second or more)."""
    from extractors.fingerprint import fingerprint  # imported on use: see engine.analysis
    from extractors.language import detect_language
    analysed = [(s, detect_language(s.text, settings.language_sample_chars), fingerprint(s.text))
                for s in warehouse.unseen_seeds(seeds)]
    return warehouse.store_seeds(analysed, run_id)


def _invalid(line: UrlLine, now: datetime) -> Page:
    return Page(FetchResult(url=line.text, attempted_at=now, outcome=Outcome.INVALID_URL,
                            error=f"line {line.line_number}: not an http(s) URL"))


def plan_url_file(warehouse: Warehouse, lines: list[UrlLine], refetch: bool, report: RunReport) -> list[str]:
    """The distinct URLs of a URL file to fetch (stored ones only with ``refetch``); lines that are
    not URLs are recorded as ``invalid_url`` attempts, so that no line is dropped silently."""
    invalid = [_invalid(line, warehouse.clock()) for line in lines if line.url is None]
    urls = list(dict.fromkeys(line.url for line in lines if line.url is not None))
    if not refetch:
        stored = warehouse.stored_urls(urls)
        urls = [url for url in urls if url not in stored]
    report.urls_planned = len(urls) + len(invalid)
    if invalid:
        report.counts.add(warehouse.commit_batch(invalid, report.run_id))
    return urls


class KnownUrls(Protocol):
    """What is known of URLs before they are fetched: the warehouse, or a shard's input."""

    def validators_for(self, urls: list[str]) -> dict[str, Validators]: ...

    def citation_dates(self, urls: list[str]) -> dict[str, date]: ...

    def web_archive_done(self, urls: list[str]) -> set[str]: ...


def fetch_batches(urls: list[str], batch_size: int, known: KnownUrls | None = None) -> Iterator[FetchBatch]:
    """``urls`` interleaved by host (pacing one host idles no thread), in batches, each with what
    ``known`` holds of its URLs (validators, citation dates, web archive answered): read as the batch
    is taken."""
    urls = interleave_by_host(urls)
    for start in range(0, len(urls), batch_size):
        batch = urls[start : start + batch_size]
        if known is None:
            yield FetchBatch(batch)
        else:
            yield FetchBatch(batch, known.validators_for(batch), known.citation_dates(batch),
                             frozenset(known.web_archive_done(batch)))


def fetch_urls(warehouse: Warehouse, urls: list[str], report: RunReport, settings: Settings) -> None:
    """Fetch, analyse and commit ``urls`` batch by batch, the next batch fetched while one commits."""
    archive = WarcArchive(settings.archive_path, settings.warc_max_bytes)
    fetcher = Fetcher(settings, archive=archive, canonical=canonical_url)
    try:
        with ProgressReport("fetching", len(urls), interval=settings.progress_interval) as progress, \
                BatchProcessor(fetcher, settings, stop=report.stop, on_url_done=progress.advance) as processor:
            sink = WarehouseSink(warehouse, report, archive=archive, publish_interval=settings.publish_interval)
            run_pipelined(fetch_batches(urls, settings.batch_size, warehouse), processor, sink, report.stop)
    finally:
        fetcher.close()
        archive.close()


def nightly(warehouse: Warehouse, report: RunReport, seeds: list[Seed], settings: Settings,
            everything: bool = False, seeds_skipped: int = 0) -> None:
    """Ingest the seeds (``seeds_skipped``: seed files that could not be used), then fetch the URLs they
    cite that are due: never fetched, due a revisit or due a retry (core.revisit); with
    ``everything``, every URL they cite."""
    report.seeds_seen, report.seeds_skipped = len(seeds), seeds_skipped
    report.new_seeds = ingest_seeds(warehouse, seeds, report.run_id, settings)
    plan = warehouse.plan_checks(settings.clock(), everything)
    report.urls_planned = len(plan)
    report.planned.update(check.reason for check in plan)
    fetch_urls(warehouse, [check.url for check in plan], report, settings)


def backfill(warehouse: Warehouse, report: RunReport, lines: list[UrlLine], refetch: bool,
             settings: Settings) -> None:
    """Fetch the URLs of a URL file (already-stored ones only with ``refetch``)."""
    fetch_urls(warehouse, plan_url_file(warehouse, lines, refetch, report), report, settings)
