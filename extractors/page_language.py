"""HTML -> the language the page declares for itself: ``<html lang>``, content-language, og:locale.

A hint, not a verdict: templates often declare ``en`` whatever the article's language, so the
language rule uses it only to settle a disagreement between the detectors.
"""
from __future__ import annotations

import re

_HEAD_BYTES = 262_144  # declarations live in the <html> tag and <head>
_HTML_TAG_RE = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_META_TAG_RE = re.compile(r"<meta\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TAG_RE = re.compile(r"^([a-z]{2,3})(?:$|[-_])")

# Codes that pages use although they are countries or withdrawn codes, not ISO 639 languages.
_ALIASES = {"kz": "kk", "ua": "uk", "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
_NOT_A_LANGUAGE = {"x", "i", "und", "mul", "zxx", "mis"}


def language_tag(tag: str | None) -> str | None:
    """The primary language subtag of a BCP 47 tag or a locale (``az-Latn-AZ``, ``az_AZ`` -> ``az``).

    None when the tag is empty, private (``x-…``), undetermined or not a language code.
    """
    if not tag:
        return None
    value = tag.strip().split(",")[0].strip().lower()
    match = _TAG_RE.match(value)
    if not match or match.group(1) in _NOT_A_LANGUAGE:
        return None
    code = match.group(1)
    return _ALIASES.get(code, code)


def _attributes(tag_body: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTRIBUTE_RE.finditer(tag_body)}


def declared_language(html: str | bytes) -> str | None:
    """The page's declared language: ``<html lang|xml:lang>``, then
    ``<meta http-equiv=content-language>``, then ``<meta name=language>``, then ``og:locale``."""
    if isinstance(html, bytes):
        html = html[:_HEAD_BYTES].decode("ascii", "replace")  # the markup we read is ASCII
    else:
        html = html[:_HEAD_BYTES]
    if (match := _HTML_TAG_RE.search(html)) is not None:
        attributes = _attributes(match.group(1))
        for name in ("lang", "xml:lang"):
            if code := language_tag(attributes.get(name)):
                return code
    metas = [_attributes(m.group(1)) for m in _META_TAG_RE.finditer(html)]
    for key, value in (("http-equiv", "content-language"), ("name", "language"), ("property", "og:locale")):
        for meta in metas:
            if meta.get(key, "").lower() == value and (code := language_tag(meta.get("content"))):
                return code
    return None
