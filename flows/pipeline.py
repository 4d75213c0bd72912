"""Plain functions a batch task calls: fetch URLs concurrently, then extract, detect, fingerprint."""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

from extractors.article import extract_article
from extractors.fingerprint import fingerprint
from extractors.language import detect_language
from extractors.page_language import declared_language
from flows.http import Fetcher
from mediamon.records import FetchResult, Outcome, Page, Validators
from mediamon.settings import Settings


def analyse(fetch: FetchResult, settings: Settings) -> Page:
    """Extraction, language and fingerprint for one fetched page (nothing to do unless it is OK)."""
    if fetch.outcome != Outcome.OK or not fetch.body:
        return Page(fetch)
    article = extract_article(fetch.body, fetch.final_url or fetch.url, fetch.content_type)
    if article is None:
        return Page(fetch)
    return Page(
        fetch=fetch,
        article=article,
        language=detect_language(article.text, settings.language_sample_chars, declared_language(fetch.body)),
        fingerprint=fingerprint(article.text),
        content_sha256=hashlib.sha256(article.text.encode("utf-8")).hexdigest(),
    )


def fetch_all(fetcher: Fetcher, urls: list[str], validators: dict[str, Validators],
              workers: int) -> list[FetchResult]:
    """Every attempt for every URL, fetched by a pool of threads (pacing is the fetcher's)."""
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(urls)), thread_name_prefix="fetch") as pool:
        per_url = pool.map(lambda url: fetcher.fetch(url, validators.get(url)), urls)
        return [attempt for attempts in per_url for attempt in attempts]


def process_batch(fetcher: Fetcher, urls: list[str], validators: dict[str, Validators],
                  settings: Settings) -> list[Page]:
    return [analyse(fetch, settings) for fetch in fetch_all(fetcher, urls, validators, settings.fetch_workers)]
