"""A seed's publication date, where its text states one near the top."""
from __future__ import annotations

import re
from datetime import date

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

_PATTERNS = (
    # 2020-09-28 (optionally after "date")
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # Sun 04 October 2020, 4 Oct 2020
    (re.compile(r"\b(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})\b", re.IGNORECASE), ("d", "M", "y")),
    # October 4, 2020
    (re.compile(r"\b" + _MONTH + r"\s+(\d{1,2}),?\s+(\d{4})\b", re.IGNORECASE), ("M", "d", "y")),
)
_HEAD_CHARS = 600  # a dateline sits near the top; dates deeper in the text are about events


def _build(parts: tuple[str, ...], order: tuple[str, ...]) -> date | None:
    values = dict(zip(order, parts))
    month = MONTHS[values["M"].lower()] if "M" in values else int(values["m"])
    try:
        return date(int(values["y"]), month, int(values["d"]))
    except ValueError:
        return None


def seed_published_at(text: str) -> date | None:
    """The earliest-placed full date (day, month, year) in the first lines of ``text``, else None."""
    head = text[:_HEAD_CHARS]
    found = []
    for pattern, order in _PATTERNS:
        for match in pattern.finditer(head):
            when = _build(match.groups(), order)
            if when and 1990 <= when.year <= 2100:
                found.append((match.start(), when))
    return min(found)[1] if found else None
