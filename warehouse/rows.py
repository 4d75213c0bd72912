"""Rows the warehouse writes for an article or a seed, from the pipeline's records."""
from __future__ import annotations

from urllib.parse import urlsplit

from core.records import FetchResult, Language
from warehouse.revisions import Kept


def document_row(kept: Kept, run_id: str) -> dict:
    """The documents row of an article kept: its page's article, language and fetch, and its version."""
    page, fetch_id = kept.page, kept.attempt.fetch_id
    fetch, article, language = page.fetch, page.article, page.language
    return {
        "doc_id": kept.doc_id, "url": fetch.url, "final_url": fetch.final_url,
        "host": (urlsplit(fetch.final_url or fetch.url).hostname or "").lower(),
        "fetch_id": fetch_id, "fetched_at": fetch.attempted_at, "via": fetch.via, "title": article.title,
        "author": article.author, "published_at": article.published_at, "sitename": article.sitename,
        "text": article.text, "word_count": len(article.text.split()), "language": language.code,
        "language_score": language.score, "language_method": language.method, **language_audit(language),
        "content_sha256": page.content_sha256, "extractor": article.extractor, "run_id": run_id,
        "etag": fetch.etag, "last_modified": fetch.last_modified, **fetch_source(fetch), "version": kept.version,
        "version_fetched_at": kept.version_fetched_at, "version_run_id": kept.version_run_id,
        "words_added": kept.words_added, "words_removed": kept.words_removed, "title_changed": kept.title_changed}


def fetch_source(fetch: FetchResult) -> dict:
    """Where the article's bytes lie and, via the web archive, which capture they are: the fetches row of
    the page's fetch holds the same values (written from this fetch, or for a replay read from that row)."""
    return {"snapshot_at": fetch.snapshot_at, "archive_url": fetch.archive_url, "warc_file": fetch.warc_file,
            "warc_offset": fetch.warc_offset, "payload_digest": fetch.payload_digest}


def language_audit(language: Language) -> dict:
    """Each detector's own answer and the page's declaration, stored beside the decision."""
    return {"langdetect_language": language.langdetect_code, "langdetect_score": language.langdetect_score,
            "langid_language": language.langid_code, "langid_score": language.langid_score,
            "declared_language": language.declared}
