"""Politeness across workers: Prefect global concurrency and rate limits for hosts split across shards.

A host whose URLs all sit in one shard is paced in that shard's process (fetch.pacing), as in a
single-process run: one shard runs in one process at a time, so nothing else requests that host.
A host too large for one shard is split (engine.sharding.plan); for each such host the driver keeps two
Prefect global concurrency limits, created before any shard is submitted:

* ``mediamon-host:<host>``: ``limit = MEDIAMON_PER_HOST_CONCURRENCY``. A shard holding some of the
  host's URLs leases its share of the slots for as long as it runs (``max(1, limit // shards of the
  host)``, acquired in host order, so shards never deadlock) and keeps at most that many requests to
  the host in flight. A killed worker's lease expires (``LEASE_SECONDS``) and its slots come back.
* ``mediamon-host-rate:<host>``: a rate limit (``limit = 1``, one slot decaying every
  ``MEDIAMON_PER_HOST_DELAY`` + ``SEND_MARGIN`` seconds), taken before every request, so request
  starts to the host are at least the delay apart whichever worker sends them (absent when the
  delay is 0). The margin: the server spaces its grants by its own clock, and a grant reaches the
  request's socket some tens of milliseconds later, more on a loaded machine (a test saw two
  requests arrive 0.228 s apart under a 0.3 s delay without it).

Slots are taken with ``strict=True``: Prefect 3.8.8 otherwise treats a missing limit as no limit.
Holding slots per shard rather than per request is deliberate: one acquisition costs about 0.1 s
against a Prefect server on this machine, more than a loopback request takes.
"""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from typing import Iterator

from fetch.pacing import HostPacer

LEASE_SECONDS = 60  # the shortest lease Prefect's server grants; renewed while the shard runs
SEND_MARGIN = 0.1  # seconds added to the delay between rate-limit grants: grant-to-send jitter


def host_limit(host: str) -> str:
    return f"mediamon-host:{host}"


def rate_limit_name(host: str) -> str:
    return f"mediamon-host-rate:{host}"


def slot_share(concurrency: int, shards_of_host: int) -> int:
    """The slots of a split host one shard leases: an equal share, at least one."""
    return max(1, concurrency // max(1, shards_of_host))


def _upsert_limit(client, name: str, limit: int, slot_decay_per_second: float) -> None:
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectNotFound

    try:
        client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(
            name=name, limit=limit, slot_decay_per_second=slot_decay_per_second, active=True))
    else:
        client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(
            limit=limit, slot_decay_per_second=slot_decay_per_second, active=True))


def ensure_host_limits(hosts: list[str], concurrency: int, delay: float) -> None:
    """Create or update the limits of ``hosts`` on the Prefect server (the driver, before submitting)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for host in hosts:
            _upsert_limit(client, host_limit(host), concurrency, 0.0)
            if delay > 0:
                _upsert_limit(client, rate_limit_name(host), 1, 1.0 / (delay + SEND_MARGIN))


@contextmanager
def leased_host_slots(shares: dict[str, int]) -> Iterator[None]:
    """Hold ``shares[host]`` slots of each split host's limit while the block runs (a shard's lifetime)."""
    from prefect.concurrency.sync import concurrency

    with ExitStack() as stack:
        for host in sorted(shares):
            stack.enter_context(concurrency(host_limit(host), occupy=shares[host], lease_duration=LEASE_SECONDS,
                                            strict=True))
        yield


class ShardPacer:
    """The fetcher's pacer in a shard: split hosts through the leased slots and Prefect's rate limit,
    every other host in process (same interface as HostPacer)."""

    def __init__(self, concurrency: int, delay: float, shares: dict[str, int]) -> None:
        self._delay = delay
        self._own = HostPacer(concurrency, delay)
        self._split = {host: HostPacer(slots, 0.0) for host, slots in shares.items()}
        self.woken = self._own.woken  # one event ends every wait (HostPacer.woken)
        for pacer in self._split.values():
            pacer.woken = self.woken

    @contextmanager
    def request(self, host: str, delay: float | None = None) -> Iterator[None]:
        split = self._split.get(host)
        if split is None:
            with self._own.request(host, delay):
                yield
            return
        # a robots.txt Crawl-delay above the setting is kept within this shard; the rate limit spaces the rest
        extra = delay if delay is not None and delay > self._delay else 0.0
        with split.request(host, extra):
            if self._delay > 0:
                from prefect.concurrency.sync import rate_limit

                rate_limit(rate_limit_name(host), strict=True)
            yield
