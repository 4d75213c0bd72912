"""The Prefect flows: the nightly pass over the seeds' citations, and a URL backfill.

Tasks take batches (a Prefect task run costs tens of milliseconds); their bodies call plain
functions from flows.pipeline and the Warehouse.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.utilities.annotations import quote

from flows.http import Fetcher
from flows.inputs import UrlLine, read_seeds, read_url_file
from flows.http.pacing import interleave_by_host
from flows.pipeline import BatchProcessor
from flows.progress import ProgressReport, log
from flows.report import RunReport, publish_artifacts
from mediamon.records import FetchResult, Outcome, Page, Seed
from mediamon.settings import Settings, load_settings
from warehouse import Warehouse
from warehouse.store import BatchCounts
from warehouse.archive import WarcArchive


@task(name="ingest-seeds", cache_policy=NONE)
def ingest_seeds(warehouse: Warehouse, seeds: list[Seed], run_id: str, settings: Settings) -> int:
    from extractors.fingerprint import fingerprint  # imported on use: see flows.analysis
    from extractors.language import detect_language
    analysed = [(s, detect_language(s.text, settings.language_sample_chars), fingerprint(s.text)) for s in seeds]
    return warehouse.store_seeds(analysed, run_id)


@task(name="fetch-and-extract", cache_policy=NONE)
def fetch_and_extract(processor: BatchProcessor, urls: list[str], validators: dict, cited_at: dict) -> list[Page]:
    return processor.process(urls, validators, cited_at)


@task(name="commit-batch", cache_policy=NONE)
def commit_batch(warehouse: Warehouse, pages: list[Page], run_id: str) -> BatchCounts:
    return warehouse.commit_batch(pages, run_id)


def _invalid(line: UrlLine) -> Page:
    return Page(FetchResult(url=line.text, attempted_at=datetime.now(timezone.utc), outcome=Outcome.INVALID_URL,
                            error=f"line {line.line_number}: not an http(s) URL"))


def planned_urls(warehouse: Warehouse, lines: list[UrlLine], refetch: bool, report: RunReport) -> list[str]:
    """The distinct URLs of a URL file to fetch (stored ones only with ``refetch``); lines that are
    not URLs are recorded as ``invalid_url`` attempts, so that no line is dropped silently."""
    invalid = [_invalid(line) for line in lines if line.url is None]
    urls = list(dict.fromkeys(line.url for line in lines if line.url is not None))
    if not refetch:
        stored = warehouse.stored_urls(urls)
        urls = [url for url in urls if url not in stored]
    report.urls_planned = len(urls) + len(invalid)
    if invalid:
        report.counts.add(commit_batch(warehouse, quote(invalid), report.run_id))
    return urls


def _fetch_in_batches(warehouse: Warehouse, urls: list[str], report: RunReport, settings: Settings) -> None:
    """Fetch and commit ``urls`` batch by batch; publish for analysts every publish interval.

    The next batch is fetched and analysed (a task run in a thread, using every core) while the
    current one is committed, so the database work overlaps the network and CPU work. At most two
    batches are in memory. URLs are interleaved by host so that pacing one host idles no thread.
    """
    urls = interleave_by_host(urls)
    batches = (urls[start : start + settings.batch_size] for start in range(0, len(urls), settings.batch_size))
    last_publish = time.monotonic()
    archive = WarcArchive(settings.archive_dir, settings.warc_max_bytes)
    fetcher = Fetcher(settings, archive=archive)
    try:
        with BatchProcessor(fetcher, settings) as processor, ProgressReport("fetching", len(urls)) as progress:
            pending = None
            for batch in [*batches, None]:
                submitted = None
                if batch is not None:
                    # quote(): Prefect must not walk batch payloads looking for futures (150 ms a batch)
                    submitted = (len(batch), fetch_and_extract.submit(
                        processor, quote(batch), quote(warehouse.validators_for(batch)),
                        quote(warehouse.citation_dates(batch))))
                if pending is not None:
                    size, future = pending
                    pages = future.result()
                    archive.flush()  # the WARC records these rows point at are on disk before the commit
                    report.counts.add(commit_batch(warehouse, quote(pages), report.run_id))
                    progress.advance(size)
                    if time.monotonic() - last_publish > settings.publish_interval:
                        warehouse.publish(full_text=False)  # the index is rebuilt once, at the end
                        last_publish = time.monotonic()
                pending = submitted
    finally:
        fetcher.close()
        archive.close()


def _run(flow_name: str, settings: Settings, work) -> RunReport:
    """Open the warehouse, record the run, do ``work(warehouse, report)``, record how it ended, publish."""
    started = time.monotonic()
    with Warehouse.open(settings.db_path, settings.near_threshold, settings.db_memory_limit) as warehouse:
        report = RunReport(run_id=warehouse.start_run(flow_name), flow=flow_name, db_path=str(settings.db_path))
        error = None
        try:
            work(warehouse, report)
            report.status = "completed"
        except BaseException as exc:
            report.status, error = "failed", f"{type(exc).__name__}: {exc}"[:1000]
            raise
        finally:
            warehouse.finish_run(report.run_id, report.status, urls_planned=report.urls_planned,
                                 counts=report.counts, new_seeds=report.new_seeds, error=error)
            warehouse.publish()
    report.seconds = time.monotonic() - started
    log.info("run %s %s: %d URLs, %d new articles", report.run_id, report.status, report.urls_planned,
             report.counts.new_articles)
    publish_artifacts(report)
    return report


@flow(name="mediamon-nightly")
def nightly_run(seeds_dir: str | None = None, db_path: str | None = None) -> RunReport:
    """One nightly pass: ingest the seeds, (re)fetch every URL they cite, extract, dedupe, store."""
    settings = load_settings(seeds_dir=Path(seeds_dir) if seeds_dir else None,
                             db_path=Path(db_path) if db_path else None)
    seeds = read_seeds(settings.seeds_dir)

    def work(warehouse: Warehouse, report: RunReport) -> None:
        report.seeds_seen = len(seeds)
        report.new_seeds = ingest_seeds(warehouse, quote(seeds), report.run_id, settings)
        urls = warehouse.cited_urls()
        report.urls_planned = len(urls)
        _fetch_in_batches(warehouse, urls, report, settings)

    return _run("nightly", settings, work)


@flow(name="mediamon-backfill")
def backfill_urls(urls_file: str, db_path: str | None = None, refetch: bool = False) -> RunReport:
    """Fetch the URLs of a file (one a line); already-stored URLs only with ``refetch``."""
    settings = load_settings(db_path=Path(db_path) if db_path else None)
    lines = read_url_file(Path(urls_file))

    def work(warehouse: Warehouse, report: RunReport) -> None:
        _fetch_in_batches(warehouse, planned_urls(warehouse, lines, refetch, report), report, settings)

    return _run("backfill", settings, work)

