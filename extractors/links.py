"""Cited links: every http(s) URL in a text, in order, with a canonical form."""
from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import courlan

from core.records import Citation

# A URL runs until whitespace, a quote or an angle bracket.
_URL_RE = re.compile(r"""https?://[^\s<>"'“”‘’«»]+""", re.IGNORECASE)
_TRAILING = ".,;:!?…'\"”’»"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _strip_trailing_punctuation(url: str) -> str:
    """Drop sentence punctuation after a URL; keep a closing bracket that closes one in the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def canonical_url(url: str) -> str | None:
    """The canonical form used as the URL's identity, or None if it is not a usable http(s) URL.

    courlan lowercases scheme and host, drops default ports, sorts the query and removes
    tracking parameters; we also drop the fragment (never sent to a server).
    Percent-encoding is left as cited.
    """
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        _ = parts.port  # raises ValueError on a malformed port
        normalized = courlan.normalize_url(urldefrag(url.strip()).url)
    except (ValueError, UnicodeError):
        return None
    if any(ch.isspace() for ch in normalized):
        return None
    return normalized


def cited_links(text: str) -> list[Citation]:
    """Every http(s) link in ``text``, in order of appearance, numbered from 1."""
    citations = []
    for match in _URL_RE.finditer(text):
        as_cited = _strip_trailing_punctuation(match.group(0))
        if len(as_cited) <= len("https://"):
            continue
        citations.append(Citation(len(citations) + 1, as_cited, canonical_url(as_cited)))
    return citations
