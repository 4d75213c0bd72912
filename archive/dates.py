"""Capture dates as crawlers really write them, read leniently: a date that cannot be read is None, never an error.

WARC-Date is ISO 8601 (with or without fractions, 'Z' or a numeric offset, basic or extended);
ARC files and some WARC writers use 14-digit timestamps (YYYYmmddHHMMSS, sometimes shorter);
HTTP's Date header is RFC 1123. A day or month out of range (``2008-10-294``, ``2009-03-65``) or a
year before the web or after today is unreadable.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_TIMESTAMP = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?")
_FIRST_YEAR = 1991


def _plausible(moment: datetime) -> datetime | None:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    if moment.year < _FIRST_YEAR or moment > datetime.now(timezone.utc) + timedelta(days=1):
        return None
    return moment


def capture_date(text: str | None) -> datetime | None:
    """The moment a WARC-Date or ARC date names, in UTC; None when it names none."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return _timestamp(text)
    try:
        return _plausible(datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00")))
    except ValueError:
        return None


def _timestamp(digits: str) -> datetime | None:
    match = _TIMESTAMP.fullmatch(digits)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return _plausible(datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc))
    except ValueError:
        return None


def http_date(text: str | None) -> datetime | None:
    """The moment an HTTP Date header names, in UTC; None when it names none."""
    if not text:
        return None
    try:
        return _plausible(parsedate_to_datetime(text.strip()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
