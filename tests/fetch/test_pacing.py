"""Per-host pacing and the retry policy, without a network."""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from fetch.pacing import HostPacer, interleave_by_host
from fetch.retry import RetryPolicy, parse_retry_after
from core.records import FetchResult, Outcome


def test_at_most_n_requests_in_flight_to_one_host():
    pacer, lock, release = HostPacer(concurrency=2, delay=0), threading.Lock(), threading.Event()
    inside, most, entered = [0], [0], threading.Semaphore(0)

    def request(_):
        with pacer.request("outlet.test"):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            entered.release()
            release.wait(5)
            with lock:
                inside[0] -= 1

    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(request, i) for i in range(5)]
        assert entered.acquire(timeout=5) and entered.acquire(timeout=5)  # two got in
        release.set()
        for future in futures:
            future.result()
    assert most[0] == 2


def test_requests_to_one_host_are_spaced_while_other_hosts_go_ahead():
    pacer, starts, lock = HostPacer(concurrency=4, delay=0.2), {}, threading.Lock()
    began = time.monotonic()

    def request(host, n):
        with pacer.request(host):
            with lock:
                starts[(host, n)] = time.monotonic() - began

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(request, "slow.test", n) for n in range(3)] + [pool.submit(request, "other.test", 0)]:
            future.result()
    slow = sorted(t for (host, _), t in starts.items() if host == "slow.test")
    assert slow[1] - slow[0] >= 0.19 and slow[2] - slow[1] >= 0.19
    assert starts[("other.test", 0)] < 0.15  # not queued behind slow.test


def test_a_per_call_delay_overrides_the_default():
    pacer = HostPacer(concurrency=1, delay=0)
    with pacer.request("h", delay=0.2):
        pass
    began = time.monotonic()
    with pacer.request("h"):
        assert time.monotonic() - began >= 0.19


def test_urls_are_interleaved_by_host():
    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://c/2"]
    assert interleave_by_host(urls) == ["http://a/1", "http://b/1", "http://c/1", "http://a/2", "http://c/2",
                                        "http://a/3"]


def _result(outcome, status=None):
    return FetchResult(url="http://x/", attempted_at=datetime.now(timezone.utc), outcome=outcome, http_status=status)


def test_backoff_doubles_with_jitter_and_is_capped():
    policy = RetryPolicy(max_attempts=10, backoff_base=1.0, pause_cap=5.0, rng=random.Random(1))
    for attempts in range(1, 8):
        step = min(5.0, 2 ** (attempts - 1))
        assert step / 2 <= policy.backoff(attempts) <= step


def test_which_failures_are_retried():
    policy = RetryPolicy(max_attempts=3, backoff_base=0.1, pause_cap=60, rng=random.Random(1))
    retried = {(o, s): policy.decide(_result(o, s), 1, None).pause is not None for o, s in [
        (Outcome.TIMEOUT, None), (Outcome.CONNECTION_ERROR, None), (Outcome.HTTP_ERROR, 408),
        (Outcome.HTTP_ERROR, 429), (Outcome.HTTP_ERROR, 500), (Outcome.HTTP_ERROR, 503),
        (Outcome.HTTP_ERROR, 404), (Outcome.HTTP_ERROR, 403), (Outcome.DNS_ERROR, None),
        (Outcome.TLS_ERROR, None), (Outcome.BLOCKED_ADDRESS, None), (Outcome.TOO_LARGE, None), (Outcome.OK, 200)]}
    assert [key for key, yes in retried.items() if yes] == [
        (Outcome.TIMEOUT, None), (Outcome.CONNECTION_ERROR, None), (Outcome.HTTP_ERROR, 408),
        (Outcome.HTTP_ERROR, 429), (Outcome.HTTP_ERROR, 500), (Outcome.HTTP_ERROR, 503)]
    assert policy.decide(_result(Outcome.TIMEOUT), 3, None).pause is None  # bounded


def test_retry_after_values():
    now = datetime(2020, 10, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Thu, 01 Oct 2020 12:00:30 GMT", now) == 30
    assert parse_retry_after("Thu, 01 Oct 2020 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None
