"""The CPU step of one page: extraction, whether it is an article at all, language and fingerprint. Pure.

It runs in the worker processes of ``engine.pool.AnalysisPool``. Its imports (trafilatura,
the language models) cost about half a second, so the flow's own process imports this module only
when it analyses pages itself: a nightly rerun answered entirely by ``304`` never does.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from extractors.article import extract_article
from extractors.fingerprint import fingerprint
from extractors.language import detect_language
from extractors.page_kind import NotArticle, NotFoundAnswer, page_kind, page_text
from extractors.page_language import declared_language
from core.records import Article, Fingerprint, Language


@dataclass(frozen=True, slots=True)
class Analysis:
    article: Article
    language: Language
    fingerprint: Fingerprint
    content_sha256: str


def analyse_body(body: bytes, url: str, content_type: str | None, sample_chars: int,
                 not_found: NotFoundAnswer | None = None) -> Analysis | NotArticle | None:
    """Extraction, language and fingerprint of one page's bytes; ``NotArticle`` for a challenge, a
    consent wall or a soft 404 (``not_found``: what the page's host serves for an address that
    cannot exist, when known); None when the page holds no article text."""
    article = extract_article(body, url, content_type)
    verdict = page_kind(body, url, content_type, article, not_found)
    if verdict is not None:
        return verdict
    if article is None:
        return None
    return Analysis(article, detect_language(article.text, sample_chars, declared_language(body)),
                    fingerprint(article.text), hashlib.sha256(article.text.encode("utf-8")).hexdigest())


def not_found_text(body: bytes, url: str, content_type: str | None) -> str | None:
    """The visible text of a host's answer for an address that cannot exist (engine.not_found)."""
    return page_text(body, content_type) or None


def warm_up() -> None:
    """Load what the first page would (the language models, datasketch) before pages arrive."""
    analyse_body(b"<html><body><p>warm up the extractors of this worker process</p></body></html>",
                 "http://warm.invalid/", "text/html", 200)
