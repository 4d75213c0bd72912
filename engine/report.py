"""The run report: what a run did, as the ``runs`` row, a Prefect artifact (flows.artifacts) and the console summary."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from warehouse.store import BatchCounts


@dataclass(slots=True)
class RunReport:
    run_id: str
    flow: str
    db_path: str
    status: str = "running"
    urls_planned: int = 0
    new_seeds: int = 0
    seeds_seen: int = 0
    counts: BatchCounts = field(default_factory=BatchCounts)
    planned: Counter = field(default_factory=Counter)  # nightly: URLs planned by reason (new, revisit, retry)
    seconds: float = 0.0
    shards: int = 0               # sharded backfill: shards landed
    landing_seconds: float = 0.0  # sharded backfill: wall of the commit step (copy WARCs, read, land)

    def rows(self) -> list[dict[str, str]]:
        """(what, count) rows: the same figures the console summary and the artifact show."""
        counts = self.counts
        rows = [{"what": "status", "count": self.status}]
        if self.flow == "nightly":
            rows.append({"what": "seeds read / new", "count": f"{self.seeds_seen} / {self.new_seeds}"})
        rows.append({"what": "URLs planned", "count": str(self.urls_planned)})
        if self.flow == "nightly":
            rows.append({"what": "  new / revisit / retry",
                         "count": " / ".join(str(self.planned[reason]) for reason in ("new", "revisit", "retry"))})
        rows += [{"what": "URLs fetched / failed", "count": f"{counts.urls_fetched} / {counts.urls_failed}"},
                 {"what": "fetch attempts", "count": str(sum(counts.outcomes.values()))}]
        rows += [{"what": f"  {outcome}", "count": str(n)}
                 for outcome, n in sorted(counts.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))]
        rows += [{"what": "new or updated articles", "count": str(counts.new_articles)},
                 {"what": "of them duplicates", "count": str(counts.duplicates)}]
        if counts.languages:
            rows.append({"what": "languages", "count": ", ".join(f"{k} {v}" for k, v in counts.languages.most_common())})
        if self.shards:
            rows += [{"what": "shards landed", "count": str(self.shards)},
                     {"what": "commit step seconds", "count": f"{self.landing_seconds:.1f}"}]
        rows += [{"what": "seconds", "count": f"{self.seconds:.1f}"}, {"what": "database", "count": self.db_path}]
        return rows
