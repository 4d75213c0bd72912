"""When to try a URL again, and how long to wait first (exponential backoff, jitter, Retry-After)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from core.records import FetchResult, Outcome

RETRYABLE_STATUSES = frozenset({408, 429})
TRANSIENT_OUTCOMES = frozenset({Outcome.TIMEOUT, Outcome.CONNECTION_ERROR})


def is_transient(result: FetchResult) -> bool:
    """Connection errors, timeouts, 408, 429 and 5xx may go away; every other outcome is final."""
    if result.outcome in TRANSIENT_OUTCOMES:
        return True
    status = result.http_status or 0
    return result.outcome == Outcome.HTTP_ERROR and (status in RETRYABLE_STATUSES or 500 <= status <= 599)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP-date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryDecision:
    """Retry after ``pause`` seconds, or stop (``pause`` None); ``reason`` says why a transient failure was not retried."""

    pause: float | None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    backoff_base: float     # seconds before the second attempt (doubling after that)
    pause_cap: float        # no pause longer than this; a longer Retry-After is not waited for
    rng: random.Random

    def backoff(self, attempts_made: int) -> float:
        """Exponential backoff with 'equal jitter': half the step fixed, half random."""
        step = min(self.pause_cap, self.backoff_base * 2 ** (attempts_made - 1))
        return step / 2 + self.rng.uniform(0, step / 2)

    def decide(self, result: FetchResult, attempts_made: int, retry_after: float | None) -> RetryDecision:
        if not is_transient(result):
            return RetryDecision(None)
        if attempts_made >= self.max_attempts:
            return RetryDecision(None, f"gave up after {attempts_made} attempt{'s' if attempts_made > 1 else ''}")
        if retry_after is not None and retry_after > self.pause_cap:
            return RetryDecision(None, f"Retry-After {retry_after:g}s is over the {self.pause_cap:g}s cap: not retried")
        return RetryDecision(max(self.backoff(attempts_made), retry_after or 0.0))
