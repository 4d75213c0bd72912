"""Bytes -> text for HTML: HTTP header charset, then the page's <meta> declaration, then detection."""
from __future__ import annotations

import codecs
import re

import charset_normalizer

_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE
)
_SNIFF_BYTES = 4096


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the server or the page declares, if it is one Python knows."""
    if content_type:
        match = _HEADER_CHARSET_RE.search(content_type)
        if match and (name := _known(match.group(1))):
            return name
    match = _META_CHARSET_RE.search(body[:_SNIFF_BYTES])
    if match:
        return _known(match.group(1).decode("ascii", "ignore"))
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body`` and say which charset was used.

    Bytes that are valid UTF-8 (and not plain ASCII) are UTF-8 whatever the declaration says:
    mis-declared pages are common, and valid multi-byte UTF-8 does not happen by chance.
    Otherwise a declared charset wins when the bytes decode with it; then detection
    (charset-normalizer); UTF-8 with replacement is the last resort.
    """
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", "replace"), "utf-8"
    if not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = declared_charset(body, content_type)
    if declared:
        try:
            return body.decode(declared), declared
        except UnicodeDecodeError:
            pass
    if body.isascii():
        return body.decode("ascii"), "ascii"
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None:
        return body.decode(best.encoding, "replace"), best.encoding
    return body.decode("utf-8", "replace"), "utf-8"
