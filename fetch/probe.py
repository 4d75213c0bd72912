"""The address a host is asked for to learn its not-found answer (soft-404 detection).

Many CMSs answer a missing article with status 200 and a "page not found" text inside the site's
chrome, or redirect it to the home page. Asking once per host for an address beside a real page
that cannot exist shows what that host serves for a missing page; a page whose text is that answer
is not an article (extractors.page_kind, engine.not_found). The address keeps the page's directory
(a CMS routes ``/haber/...`` and ``/`` differently) and extension, with a random name that says
what it is to anyone reading the host's logs.
"""
from __future__ import annotations

import posixpath
from urllib.parse import urlsplit, urlunsplit

PROBE_PREFIX = "mediamon-no-such-page-"


def probe_url(url: str, token: str) -> str:
    """An address in ``url``'s directory that cannot exist, named with ``token`` (random per run)."""
    parts = urlsplit(url)
    directory, name = posixpath.split(parts.path or "/")
    extension = posixpath.splitext(name)[1] if len(posixpath.splitext(name)[1]) <= 6 else ""
    path = posixpath.join(directory or "/", f"{PROBE_PREFIX}{token}{extension}")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def origin_of(url: str) -> str:
    """``scheme://host[:port]``: the unit a not-found answer is learnt for."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
