"""Redirect targets read as a browser reads them, and the form a URL is requested and recorded in.

A ``Location`` header reaches us as ``http.client`` decoded it: latin-1. Servers put raw UTF-8 in
it (a Turkish slug such as ``/haber/dağlık-karabağ``), as browsers expect, so the header's bytes are
read again as UTF-8; bytes that are not UTF-8 are percent-encoded one by one, as browsers send them.
Leading and trailing spaces and control characters are dropped, tabs and newlines inside removed and
backslashes read as slashes (the WHATWG URL parser's rules for http(s)); the target is then resolved
against the URL that answered (relative, protocol-relative or absolute). The client names it
canonically (the engine hands it extractors.links.canonical_url); on the wire and in the raw archive
it is in ASCII (``wire_url``).
"""
from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

# characters kept as they are in a path or query: RFC 3986 reserved and unreserved, and '%' of an
# existing escape (a bare '%' not followed by two hex digits is escaped below)
_SAFE = "/:@!$&'()*+,;=-._~?[]"
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


def decode_location(raw: str) -> str:
    """The redirect target in a ``Location`` header value as ``http.client`` hands it over (latin-1)."""
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:  # not latin-1-decoded bytes: already text
        return raw
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # a legacy charset: each byte over 0x7f percent-encoded, as browsers send it
        return quote(data, safe=bytes(range(0x20, 0x7F)))


def resolve_target(base: str, target: str) -> str:
    """``target`` (from a Location header, a meta refresh or a script) resolved against ``base``,
    without its fragment. Raises ValueError for a target that cannot be a URL (urljoin's refusals)."""
    cleaned = _TAB_OR_NEWLINE.sub("", target).strip(_C0_AND_SPACE)
    if urlsplit(base).scheme.lower() in ("http", "https"):  # a backslash before the query is a slash
        end = min((i for i in (cleaned.find("?"), cleaned.find("#")) if i >= 0), default=len(cleaned))
        cleaned = cleaned[:end].replace("\\", "/") + cleaned[end:]
    return urljoin(base, cleaned).split("#", 1)[0]


def request_form(url: str) -> str:
    """``url`` as it is requested and recorded: the fragment dropped (never sent), the scheme and host
    lowercased, spaces and non-ASCII characters of the path and query percent-encoded (UTF-8). The
    host keeps its own form (requests IDNA-encodes it on the wire). Raises ValueError when malformed."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return url.split("#", 1)[0]
    netloc = parts.netloc
    if parts.hostname:
        at = netloc.rfind("@") + 1
        netloc = netloc[:at] + netloc[at:].lower()
    return urlunsplit((parts.scheme.lower(), netloc, _escaped(parts.path) or "/", _escaped(parts.query), ""))


def _escaped(part: str) -> str:
    return quote(_BARE_PERCENT.sub("%25", part), safe=_SAFE + "%")


def wire_url(url: str) -> str:
    """``url`` in ASCII, as it goes on the wire and into the raw archive's WARC-Target-URI: the request
    form with an internationalised host name in IDNA (``пример.рф`` -> ``xn--e1afmkfd.xn--p1ai``)."""
    try:
        url = request_form(url)
        host = urlsplit(url).hostname or ""
    except ValueError:
        return quote(url, safe=_SAFE + "%#")
    if host.isascii():
        return url
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = quote(host, safe="")
    return url.replace(host, ascii_host, 1)
