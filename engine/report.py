"""The run report: what a run did, as the ``runs`` row, a Prefect artifact (flows.artifacts) and the console summary."""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from archive.scan import Damage
from warehouse.store import BatchCounts


@dataclass(slots=True)
class WarcFileResult:
    """What a WARC backfill made of one file: records read, responses ingested, the stretches that could not be read."""

    path: str
    records: int = 0    # WARC or ARC records read (every type)
    ingested: int = 0   # response records stored as fetch attempts
    damage: tuple[Damage, ...] = ()

    def damaged_from(self) -> str:
        """Where the first damage starts ('' when the file read whole)."""
        if not self.damage:
            return ""
        start = self.damage[0].start
        return str(start.offset) if start.in_file else f"{start.offset} (decompressed)"

    def line(self) -> str:
        """The file's damage in one line: the first stretch in full, how many more, what was read."""
        first, more = self.damage[0], self.damage[1:]
        extra = f"; {len(more)} more damaged stretch{'es' if len(more) > 1 else ''}, the next from byte " \
                f"{more[0].start.offset}" if more else ""
        return f"{self.path}: {first.describe()}{extra}; {self.records} records read, {self.ingested} ingested"


class StopRequest(threading.Event):
    """The event Ctrl-C or SIGTERM sets; it pickles as its state (a report travels as a Prefect result,
    and a failed run's error carries its report)."""

    def __reduce__(self):
        return _stop_request, (self.is_set(),)


def _stop_request(is_set: bool) -> StopRequest:
    request = StopRequest()
    if is_set:
        request.set()
    return request


@dataclass(slots=True)
class RunReport:
    run_id: str
    flow: str
    db_path: str
    status: str = "running"
    urls_planned: int = 0
    new_seeds: int = 0
    seeds_seen: int = 0
    seeds_skipped: int = 0        # seed files that could not be used (engine.inputs.read_seed_folder)
    counts: BatchCounts = field(default_factory=BatchCounts)
    planned: Counter = field(default_factory=Counter)  # nightly: URLs planned by reason (new, revisit, retry)
    seconds: float = 0.0
    shards: int = 0               # sharded backfill: shards landed
    landing_seconds: float = 0.0  # sharded backfill: wall of the commit step (copy WARCs, read, land)
    warc_files: list[WarcFileResult] = field(default_factory=list)  # WARC backfill: each file's result
    # set by Ctrl-C or SIGTERM (engine.interrupt): the run takes no new work and ends ``interrupted``
    stop: threading.Event = field(default_factory=lambda: StopRequest(), repr=False, compare=False)

    def rows(self) -> list[dict[str, str]]:
        """(what, count) rows: the same figures the console summary and the artifact show."""
        counts = self.counts
        rows = [{"what": "status", "count": self.status}]
        if self.flow == "nightly":
            rows.append({"what": "seeds read / new", "count": f"{self.seeds_seen} / {self.new_seeds}"})
        if self.seeds_skipped:
            rows.append({"what": "seed files skipped (see warnings)", "count": str(self.seeds_skipped)})
        rows.append({"what": "URLs planned", "count": str(self.urls_planned)})
        if self.flow == "nightly":
            rows.append({"what": "  new / revisit / retry",
                         "count": " / ".join(str(self.planned[reason]) for reason in ("new", "revisit", "retry"))})
        rows.append({"what": "URLs fetched / failed", "count": f"{counts.urls_fetched} / {counts.urls_failed}"})
        unfinished = self.urls_planned - counts.urls_fetched - counts.urls_failed
        if unfinished > 0:  # a run that stopped early: planned = fetched + failed + not reached
            rows.append({"what": "URLs not reached", "count": str(unfinished)})
        rows.append({"what": "fetch attempts", "count": str(sum(counts.outcomes.values()))})
        rows += [{"what": f"  {outcome}", "count": str(n)}
                 for outcome, n in sorted(counts.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))]
        rows += [{"what": "new or updated articles", "count": str(counts.new_articles)},
                 {"what": "of them duplicates", "count": str(counts.duplicates)}]
        if counts.languages:
            rows.append({"what": "languages", "count": ", ".join(f"{k} {v}" for k, v in counts.languages.most_common())})
        if self.shards:
            rows += [{"what": "shards landed", "count": str(self.shards)},
                     {"what": "commit step seconds", "count": f"{self.landing_seconds:.1f}"}]
        if self.warc_files:
            damaged = sum(1 for result in self.warc_files if result.damage)
            rows.append({"what": "WARC files read / damaged", "count": f"{len(self.warc_files)} / {damaged}"})
        rows += [{"what": "seconds", "count": f"{self.seconds:.1f}"}, {"what": "database", "count": self.db_path}]
        return rows

    def file_rows(self) -> list[dict[str, str]]:
        """One row per WARC file of a WARC backfill: file, records read, ingested, damaged from byte."""
        return [{"file": result.path, "records read": str(result.records), "ingested": str(result.ingested),
                 "damaged from byte": result.damaged_from()} for result in self.warc_files]
