"""The run report: what a run did, as the ``runs`` row, a Prefect artifact and the console summary."""
from __future__ import annotations

from dataclasses import dataclass, field

from prefect.artifacts import create_markdown_artifact, create_table_artifact

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
    seconds: float = 0.0
    shards: int = 0               # sharded backfill: shards landed
    landing_seconds: float = 0.0  # sharded backfill: wall of the commit step (copy WARCs, read, land)

    def rows(self) -> list[dict[str, str]]:
        """(what, count) rows: the same figures the console summary and the artifact show."""
        counts = self.counts
        rows = [{"what": "status", "count": self.status}]
        if self.flow == "nightly":
            rows.append({"what": "seeds read / new", "count": f"{self.seeds_seen} / {self.new_seeds}"})
        rows += [{"what": "URLs planned", "count": str(self.urls_planned)},
                 {"what": "URLs fetched / failed", "count": f"{counts.urls_fetched} / {counts.urls_failed}"},
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


def publish_artifacts(report: RunReport) -> None:
    """The report as a Prefect table artifact and a markdown one, attached to the flow run."""
    key = f"mediamon-{report.flow}"
    create_table_artifact(table=report.rows(), key=key, description=f"mediamon {report.flow} run {report.run_id}")
    lines = [f"# mediamon {report.flow} run `{report.run_id}`: {report.status}", "",
             "| what | count |", "|---|---|"]
    lines += [f"| {row['what'].strip()} | {row['count']} |" for row in report.rows()]
    create_markdown_artifact(markdown="\n".join(lines), key=f"{key}-summary",
                             description=f"mediamon {report.flow} run summary")
