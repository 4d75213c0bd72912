"""Duplicate clusters: connected components of exact and near pairs, kept current batch by batch.

Every indexed document (seed or article) has a ``doc_clusters`` row naming its cluster by the
cluster's representative: a seed if the cluster has one, else its first indexed member. A batch
recomputes only the clusters it touches: the new documents, the documents they pair with, and the
members of those documents' clusters. Merges (a new copy links two clusters) and splits (a
re-indexed text lost the pair that held a cluster together) come out of the same computation.

Each row also holds its cluster's size, which the analysts' views read instead of counting every
cluster at each query. The sizes a batch writes are exact: what it recomputes is closed (every pair
of every member is followed, and every member of every stored cluster it reaches is taken in), so
each cluster it writes is whole, and the clusters it does not reach keep every member and their size.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from warehouse.db import run_staged

_LATEST = datetime.max.replace(tzinfo=timezone.utc)


class _Components:
    """Union-find over document ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _staged_query(con: duckdb.DuckDBPyConnection, doc_ids: set[str], statement: str) -> list[tuple]:
    return run_staged(con, statement, staged_cluster_docs=pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())}))


def components(doc_ids: set[str], pairs: set[tuple[str, str]], rank: dict[str, tuple]) -> dict[str, str]:
    """doc_id -> representative of its connected component (the member with the lowest ``rank``)."""
    groups = _Components()
    for doc_id in doc_ids:
        groups.find(doc_id)
    for a, b in pairs:
        groups.union(a, b)
    best: dict[str, str] = {}
    for doc_id in doc_ids:
        root = groups.find(doc_id)
        if root not in best or rank[doc_id] < rank[best[root]]:
            best[root] = doc_id
    return {doc_id: best[groups.find(doc_id)] for doc_id in doc_ids}


def recluster(con: duckdb.DuckDBPyConnection, doc_ids: set[str]) -> int:
    """Recompute the clusters of ``doc_ids`` and of everything connected to them; return the rows written."""
    members, frontier, pairs = set(doc_ids), set(doc_ids), set()
    while frontier:
        found = _staged_query(con, frontier, "cluster_neighbourhood")
        pairs.update((a, b) for a, b in found if a != b)
        reached = {doc for row in found for doc in row}
        frontier = reached - members
        members |= reached
    rank = {doc_id: (True, _LATEST, doc_id) for doc_id in members}
    for doc_id, is_seed, first_seen in _staged_query(con, members, "cluster_rank"):
        rank[doc_id] = (not is_seed, first_seen, doc_id)
    labels = components(members, pairs, rank)
    sizes = Counter(labels.values())  # whole: every member of every cluster touched is in ``labels``
    run_staged(con, "replace_clusters", staged_clusters=pa.table({
        "doc_id": pa.array(list(labels), pa.string()), "cluster_id": pa.array(list(labels.values()), pa.string()),
        "cluster_size": pa.array([sizes[c] for c in labels.values()], pa.int32())}))
    return len(labels)
