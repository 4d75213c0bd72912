"""The revisit schedule: when a watched URL is checked again, as arithmetic on what its last check found.

A page that keeps answering with the same article is checked after 1, 2, 4, 8 ... days, the wait
doubling up to ``max_days``, and no more once it has stayed unchanged for ``until_days``; a change
(a new text or title, or the article back after a takedown) starts the waits again from one day.
A URL whose check fails (a dead link, a removed or blanked article, an outlet that does not answer)
is retried on a backoff of its own (1, 2, 4 ... days up to ``retry_max_days``), and given up after
failing for ``retry_until_days``. A check is due when its time falls before the run's start plus
``SLACK``: a run a night takes every check that falls due before the next night's run, whatever
minute each run starts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

SLACK = timedelta(hours=12)


class UrlState(StrEnum):
    """What the last check of a URL found (``schedule.state``, ``articles.status``)."""

    NEW = "new"                          # cited, never checked
    LIVE = "live"                        # serves its article (the stored one, or a new version of it)
    UNREACHABLE = "unreachable"          # has a stored article; the last check failed with no verdict (timeout, 5xx, ...)
    REMOVED = "removed"                  # had an article; now answers 404, 410 or 451
    REDIRECTED_AWAY = "redirected_away"  # had an article; now redirects to another page (the home page, ...)
    BLANKED = "blanked"                  # had an article; now answers 200 with an empty or error page
    FAILING = "failing"                  # never served an article live (dead link, not HTML, empty page, ...)
    INVALID = "invalid"                  # not a URL that can be requested: never checked again


TAKEN_DOWN = frozenset({UrlState.REMOVED, UrlState.REDIRECTED_AWAY, UrlState.BLANKED})


class PlanReason(StrEnum):
    """Why a run fetches a URL (``runs.planned_new`` ...)."""

    NEW = "new"          # never checked
    REVISIT = "revisit"  # its article is live: has it changed?
    RETRY = "retry"      # its last check failed: is it back?


def plan_reason(state: UrlState) -> PlanReason:
    if state == UrlState.NEW:
        return PlanReason.NEW
    return PlanReason.REVISIT if state == UrlState.LIVE else PlanReason.RETRY


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    max_days: int = 16          # the longest wait between two checks of an unchanged article
    until_days: int = 90        # an article unchanged this long is not checked again (run --all still does)
    retry_max_days: int = 16    # the longest wait between two checks of a failing URL
    retry_until_days: int = 60  # a URL failing this long is not checked again


@dataclass(frozen=True, slots=True)
class Watch:
    """A URL's place in the schedule (one ``url_schedule`` row)."""

    url: str
    watched: bool = False                  # a seed cites it: nightly runs plan it
    state: UrlState = UrlState.NEW
    next_check_at: datetime | None = None  # None: no check planned (settled, given up, or invalid)
    interval_days: int | None = None       # the wait that led to next_check_at
    checks: int = 0
    failures: int = 0                      # failed checks in a row
    first_checked_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_changed_at: datetime | None = None  # its article first seen, last edited or back after a takedown
    failing_since: datetime | None = None    # the first failed check in a row
    web_archive_asked: bool = False          # the web archive has answered for it: not asked again
    run_id: str | None = None                # the run of the last check


def due_by(now: datetime) -> datetime:
    """A run starting at ``now`` checks every URL due before this."""
    return now + SLACK


def after_check(prior: Watch, state: UrlState, changed: bool, now: datetime, policy: RevisitPolicy,
                run_id: str | None = None, web_archive_answered: bool = False) -> Watch:
    """The URL's place in the schedule after a check at ``now`` found ``state``; ``changed``: the
    article is new, has a new text or title, or is back after a takedown."""
    checked = replace(prior, state=state, checks=prior.checks + 1, first_checked_at=prior.first_checked_at or now,
                      last_checked_at=now, run_id=run_id,
                      web_archive_asked=prior.web_archive_asked or web_archive_answered)
    if state == UrlState.INVALID:
        return replace(checked, next_check_at=None, interval_days=None)
    if state == UrlState.LIVE:
        return _revisit(checked, prior, changed, now, policy)
    return _retry(checked, prior, now, policy)


def _revisit(checked: Watch, prior: Watch, changed: bool, now: datetime, policy: RevisitPolicy) -> Watch:
    last_changed = now if changed or prior.last_changed_at is None else prior.last_changed_at
    if changed or prior.state != UrlState.LIVE:
        interval = 1
    else:
        interval = min(2 * (prior.interval_days or 1), policy.max_days)
    return replace(checked, failures=0, failing_since=None, last_changed_at=last_changed, interval_days=interval,
                   next_check_at=_next(now, interval, last_changed + timedelta(days=policy.until_days)))


def _retry(checked: Watch, prior: Watch, now: datetime, policy: RevisitPolicy) -> Watch:
    failures = prior.failures + 1
    failing_since = prior.failing_since or now
    interval = min(2 ** min(failures - 1, 30), policy.retry_max_days)
    return replace(checked, failures=failures, failing_since=failing_since, interval_days=interval,
                   next_check_at=_next(now, interval, failing_since + timedelta(days=policy.retry_until_days)))


def _next(now: datetime, interval_days: int, last_check_by: datetime) -> datetime | None:
    """``interval_days`` after ``now``, but no later than ``last_check_by``; None once that has come."""
    if due_by(now) >= last_check_by:
        return None
    return min(now + timedelta(days=interval_days), last_check_by)
