"""Redirects an HTML page makes itself: ``<meta http-equiv="refresh">`` and a one-line script.

An old mobile page, a moved article or a tracking hop answers 200 with a stub that sends the
browser on: ``<meta http-equiv="refresh" content="0; url=/haber/...">`` or a script that is nothing
but ``location.href = "..."`` (``window.location``, ``location.replace(...)``, ...). The client
follows them like an HTTP redirect (same hop limit, robots.txt and address checks, fetch.client).

What is not followed, as a browser would not take it or a reader would not see it: a refresh that
waits ``REFRESH_WAIT_LIMIT`` seconds or more (an article that reloads itself every few minutes), a
refresh with no URL or back to the page itself (a reload), one inside an HTML comment (IE's
conditional comments) or inside ``<noscript>`` (the fallback of a page whose scripts run), and a
script redirect on a page that shows more than ``STUB_WORDS`` words of its own (the script is then
one part of a real page, not the page).
"""
from __future__ import annotations

import html
import re

from fetch.location import decode_location

SCAN_BYTES = 256 * 1024   # a redirecting stub says so early; a big page's tail is not read for this
REFRESH_WAIT_LIMIT = 10   # seconds: a longer wait shows the page to the reader first
STUB_WORDS = 50           # visible words a script-redirect stub may show ("Devam", "Redirecting...")

_META_REFRESH = re.compile(rb"<meta\b[^>]*?\brefresh\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
_REFRESH_CONTENT = re.compile(r"""^\s*(\d+)(?:\.\d*)?\s*(?:[;,]\s*(?:url\s*=\s*)?(.*))?$""", re.IGNORECASE | re.DOTALL)
# a script whose whole body is one unconditional assignment of a string to the location
_LOCATION = rb"(?:(?:window|self|top|document|parent)\s*\.\s*)*location"
_SCRIPT_REDIRECT = re.compile(
    rb"<script\b([^>]*)>\s*(?:<!--\s*)?" + _LOCATION +
    rb"""\s*(?:(?:\.\s*href\s*)?=\s*|\.\s*(?:replace|assign)\s*\(\s*)(["'])([^"'<>\\]*(?:\\/[^"'<>\\]*)*)\2"""
    rb"""\s*\)?\s*;?\s*(?://\s*-->|-->)?\s*</script\s*>""", re.IGNORECASE)
_INVISIBLE = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")


def refresh_target(body: bytes) -> str | None:
    """The URL (as written, maybe relative) a meta refresh or a one-line script sends ``body`` on to;
    None when the page stays. (One back to the page itself is a reload: the client ignores it.)"""
    head = body[:SCAN_BYTES]
    return _meta_refresh(head) or _script_redirect(head)


def _meta_refresh(head: bytes) -> str | None:
    for match in _META_REFRESH.finditer(head):
        if _hidden(head, match.start()):
            continue
        attributes = {name.lower(): value.strip(b"\"'") for name, value in _ATTRIBUTE.findall(match.group(0))}
        if attributes.get(b"http-equiv", b"").strip().lower() != b"refresh":
            continue
        content = _text(attributes.get(b"content", b""))
        parsed = _REFRESH_CONTENT.match(content)
        if not parsed or int(parsed.group(1)) >= REFRESH_WAIT_LIMIT:
            continue
        url = (parsed.group(2) or "").strip().strip("\"'").strip()
        if url:
            return url
    return None


def _script_redirect(head: bytes) -> str | None:
    for match in _SCRIPT_REDIRECT.finditer(head):
        if b"src" in match.group(1).lower() or _hidden(head, match.start()):
            continue
        if _visible_words(head) > STUB_WORDS:
            return None
        return _text(match.group(3).replace(b"\\/", b"/")).strip() or None
    return None


def _hidden(page: bytes, at: int) -> bool:
    """Whether position ``at`` lies inside an HTML comment or a ``<noscript>`` element."""
    opened = page.rfind(b"<!--", 0, at)
    if opened >= 0 and page.find(b"-->", opened, at) < 0:
        return True
    lowered = page[max(0, at - 20_000):at].lower()
    return lowered.rfind(b"<noscript") > lowered.rfind(b"</noscript")


def _visible_words(page: bytes) -> int:
    """Words outside tags, scripts and styles (split on spaces: bytes of any script's letters count)."""
    return len(_TAG.sub(b" ", _INVISIBLE.sub(b" ", page)).split())


def _text(raw: bytes) -> str:
    """An attribute's bytes as text: UTF-8 (else each byte over 0x7f escaped), character references resolved."""
    return html.unescape(decode_location(raw.decode("latin-1")))
