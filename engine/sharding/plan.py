"""Splitting a backfill into shards, grouped by host: a pure function of the URLs and the shard count.

A host's URLs stay together in one shard whenever they fit, so one process paces that host on its
own (host-affine sharding). A host with more URLs than a shard holds is cut into pieces; the shards
sharing it are listed in ``ShardPlan.split_hosts`` and pace it together through Prefect's global
concurrency and rate limits (engine.sharding.pacing).
"""
from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Shard:
    shard_id: str
    urls: tuple[str, ...]

    def hosts(self) -> frozenset[str]:
        return frozenset(host_of(url) for url in self.urls)


@dataclass(frozen=True, slots=True)
class ShardPlan:
    shards: tuple[Shard, ...]
    split_hosts: dict[str, int]  # host -> number of shards that hold some of its URLs (only hosts in 2+)


def host_of(url: str) -> str:
    """The host as the fetcher paces it (lower case, no port)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _pieces(urls: list[str], size: int) -> list[tuple[str, ...]]:
    """The URLs of each host, a host larger than ``size`` cut into pieces of at most ``size``."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_host[host_of(url)].append(url)
    pieces = []
    for host_urls in by_host.values():
        pieces += [tuple(host_urls[start:start + size]) for start in range(0, len(host_urls), size)]
    return pieces


def plan_shards(urls: list[str], shard_count: int, prefix: str) -> ShardPlan:
    """At most ``shard_count`` shards of about equal size, ids ``<prefix>-<nnnn>``, every URL in exactly one.

    Pieces (a host's URLs, or a piece of a large host) go largest first to the least loaded shard.
    """
    if shard_count < 1:
        raise ValueError("shard_count must be >= 1")
    urls = list(dict.fromkeys(urls))
    if not urls:
        return ShardPlan((), {})
    size = math.ceil(len(urls) / shard_count)
    pieces = sorted(_pieces(urls, size), key=len, reverse=True)
    loads = [(0, index) for index in range(min(shard_count, len(pieces)))]
    assigned: dict[int, list[str]] = defaultdict(list)
    for piece in pieces:
        load, index = heapq.heappop(loads)
        assigned[index] += piece
        heapq.heappush(loads, (load + len(piece), index))
    shards = tuple(Shard(f"{prefix}-{number:04d}", tuple(assigned[index]))
                   for number, index in enumerate(sorted(assigned)))
    holders = Counter(host for shard in shards for host in shard.hosts())
    return ShardPlan(shards, {host: n for host, n in sorted(holders.items()) if n > 1})
