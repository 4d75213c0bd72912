"""Raw HTML bytes -> an Article (trafilatura), or None when the page holds no article text."""
from __future__ import annotations

import trafilatura

from extractors.decode import decode_html
from mediamon.records import Article

EXTRACTOR = f"trafilatura {trafilatura.__version__}"


def extract_article(body: bytes, url: str | None = None, content_type: str | None = None) -> Article | None:
    """Main text and metadata of the page in ``body``; None if trafilatura finds no text."""
    if not body:
        return None
    html, _charset = decode_html(body, content_type)
    try:
        # fast: no fallback extractors (readability, jusText); on the extraction benchmark it is both
        # faster (-30 % per page) and more precise (F1 0.961 against 0.958), see README "Measured"
        document = trafilatura.bare_extraction(html, url=url, with_metadata=True, fast=True)
    except (ValueError, TypeError, AttributeError):
        # lxml/trafilatura raise these on some malformed input: it is a page without an article
        return None
    if document is None or not (document.text or "").strip():
        return None
    return Article(
        text=document.text.strip(),
        title=document.title or None,
        author=document.author or None,
        published_at=document.date or None,
        sitename=document.sitename or None,
        extractor=EXTRACTOR,
    )
