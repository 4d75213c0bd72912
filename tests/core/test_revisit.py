"""The revisit schedule's arithmetic: waits that double while a page stays the same, and stop."""
from datetime import datetime, timedelta, timezone

from core.revisit import (SLACK, PlanReason, RevisitPolicy, UrlState, Watch, after_check, due_by, plan_reason)

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=timezone.utc)
POLICY = RevisitPolicy(max_days=16, until_days=90, retry_max_days=8, retry_until_days=30)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def checks_while(state: UrlState, first_changed: bool = True, nights: int = 200) -> list[float]:
    """The days a URL is checked when every check finds ``state`` (and nothing changes after the first)."""
    watch, checked = after_check(Watch("http://x/a"), state, first_changed, T0, POLICY), [0.0]
    while watch.next_check_at is not None and len(checked) < nights:
        now = watch.next_check_at
        checked.append((now - T0) / timedelta(days=1))
        watch = after_check(watch, state, False, now, POLICY)
    return checked


def test_an_unchanged_article_is_checked_after_waits_doubling_to_the_cap_then_no_more():
    assert checks_while(UrlState.LIVE) == [0, 1, 3, 7, 15, 31, 47, 63, 79, 90]


def test_a_change_starts_the_waits_again_and_moves_the_end():
    watch = after_check(Watch("http://x/a"), UrlState.LIVE, True, T0, POLICY)
    for n in (1, 3, 7):
        watch = after_check(watch, UrlState.LIVE, False, day(n), POLICY)
    assert watch.interval_days == 8 and watch.next_check_at == day(15)
    edited = after_check(watch, UrlState.LIVE, True, day(15), POLICY)
    assert edited.interval_days == 1 and edited.next_check_at == day(16) and edited.last_changed_at == day(15)
    assert edited.checks == 5 and edited.first_checked_at == T0


def test_a_failing_url_is_retried_on_its_own_backoff_and_given_up():
    assert checks_while(UrlState.FAILING) == [0, 1, 3, 7, 15, 23, 30]
    gone = checks_while(UrlState.REMOVED)
    assert gone == [0, 1, 3, 7, 15, 23, 30]


def test_an_article_taken_down_counts_its_failures_from_the_takedown():
    watch = after_check(Watch("http://x/a"), UrlState.LIVE, True, T0, POLICY)
    watch = after_check(watch, UrlState.LIVE, False, day(1), POLICY)
    removed = after_check(watch, UrlState.REMOVED, False, day(3), POLICY)
    assert (removed.failures, removed.failing_since, removed.next_check_at) == (1, day(3), day(4))
    back = after_check(removed, UrlState.LIVE, True, day(4), POLICY)
    assert (back.failures, back.failing_since, back.interval_days, back.next_check_at) == (0, None, 1, day(5))


def test_an_invalid_url_is_never_checked_again():
    watch = after_check(Watch("not a url"), UrlState.INVALID, False, T0, POLICY)
    assert watch.next_check_at is None and watch.checks == 1


def test_a_run_takes_what_falls_due_before_the_next_nights_run():
    assert due_by(T0) == T0 + SLACK and SLACK < timedelta(days=1)
    # a run starting a few minutes earlier than yesterday's still takes a one-day check
    watch = after_check(Watch("http://x/a"), UrlState.LIVE, True, T0 + timedelta(minutes=40), POLICY)
    assert watch.next_check_at <= due_by(day(1))
    # a second run the same night does not
    assert watch.next_check_at > due_by(T0 + timedelta(hours=1))


def test_the_web_archive_is_remembered_once_it_answered():
    asked = after_check(Watch("http://x/a"), UrlState.FAILING, False, T0, POLICY, web_archive_answered=True)
    again = after_check(asked, UrlState.FAILING, False, day(1), POLICY, web_archive_answered=False)
    assert asked.web_archive_asked and again.web_archive_asked


def test_why_a_url_is_planned():
    assert plan_reason(UrlState.NEW) == PlanReason.NEW
    assert plan_reason(UrlState.LIVE) == PlanReason.REVISIT
    assert {plan_reason(s) for s in UrlState} - {PlanReason.NEW, PlanReason.REVISIT} == {PlanReason.RETRY}
