"""A seed article: its identity (content hash), title and cited links."""
from __future__ import annotations

import hashlib
import re

from extractors.links import cited_links
from extractors.seed_date import seed_published_at
from core.records import Seed

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_TITLE_MAX = 200


def seed_id_for(text: str) -> str:
    """Seeds are identified by their content: the same text is the same seed, wherever it lies."""
    return "seed-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def seed_title(text: str) -> str:
    """The first line that reads like a headline (three or more words), trimmed."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if len(_WORD_RE.findall(line)) >= 3:
            return line if len(line) <= _TITLE_MAX else line[: _TITLE_MAX - 1].rstrip() + "…"
    return ""


def parse_seed(text: str, source_path: str) -> Seed:
    """A seed from its text (a leading byte-order mark is not part of it)."""
    text = text.removeprefix("\ufeff")
    return Seed(
        seed_id=seed_id_for(text),
        source_path=source_path,
        title=seed_title(text),
        text=text,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        citations=tuple(cited_links(text)),
        published_at=seed_published_at(text),
    )
