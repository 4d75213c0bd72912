"""The tables and ratios benchmarks.warehouse_growth prints."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from benchmarks.process_tree import Finished
from testkit.synthetic_warehouse import BuildReport

MIB = 2**20
SEARCHES = ("mediamon search",)
_FOLDERS_RE = re.compile(r"/[^\s:]*/")


@dataclass
class SizeResult:
    size: int
    build: BuildReport | None = None
    file_bytes: int = 0
    disk_before: dict[str, int] = field(default_factory=dict)
    disk_after: dict[str, int] = field(default_factory=dict)
    commands: dict[str, Finished] = field(default_factory=dict)
    updated: int | None = None   # texts the changed-text refetch found changed
    # mode ("idle", "during a backfill") -> query label -> (DuckDB's own seconds, the command's run)
    queries: dict[str, dict[str, tuple[float | None, Finished]]] = field(default_factory=dict)


def _said(done: Finished, width: int = 120) -> str:
    """A failed command's last line, folders left out (the file name says enough)."""
    return _FOLDERS_RE.sub("…/", done.message)[:width]


def _run_cell(done: Finished | None) -> str:
    if done is None:
        return "—"
    if not done.ok:
        return f"**fails** ({done.wall:.0f} s, exit {done.status}): `{_said(done)}`"
    return f"{done.wall:.1f} s"


def _rss(done: Finished | None) -> str:
    """Peak RSS of the tree, and its PSS when measured (MiB)."""
    if done is None or not done.peak_rss:
        return "—"
    pss = getattr(done, "peak_pss", 0)
    return f"{done.peak_rss / MIB:,.0f}" + (f" (PSS {pss / MIB:,.0f})" if pss else "")


def _slowest(reads: dict) -> str:
    examples = {label: read for label, read in reads.items() if label not in SEARCHES}
    timed = [(t, label) for label, (t, done) in examples.items() if t is not None]
    failed = sum(1 for label, (t, done) in examples.items() if not done.ok)
    if not timed:
        return "—"
    t, label = max(timed)
    return f"{t:.2f} s ({label.split(': ', 1)[-1][:28]})" + (f", {failed} failed" if failed else "")


def _search(reads: dict) -> str:
    if not reads:
        return "—"
    _, command = reads["mediamon search"]
    return _run_cell(command)


def _overlapped(reads: dict, writer: Finished | None) -> str:
    """How many of the reads ended while the writer still ran (they start 2 s after it, one after another)."""
    if writer is None or not reads:
        return "no concurrent reads"
    ended, during = 2.0, 0
    for _, done in reads.values():
        ended += done.wall
        during += ended <= writer.wall
    return f"{during} of {len(reads)} reads ended while it was still writing"


def _timed(own: float | None, done: Finished | None) -> str:
    """DuckDB's own time of a statement, or what the command said when it failed."""
    if own is not None:
        return f"{own:.2f} s"
    return "—" if done is None or done.ok else f"fails: `{_said(done, 80)}`"


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def print_report(results: list, options, command: str) -> None:
    print("\n## Warehouse growth\n")
    print("| stored articles | build | stored tables | 100-URL backfill | no-change rerun | 100 refetched, texts changed "
          "| peak RSS MiB (backfill / rerun) "
          "| `mediamon search`, idle | same, during a backfill | slowest example query, idle | same, during a backfill "
          "| disk after build → at end |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        idle, busy = r.queries.get("idle", {}), r.queries.get("during a backfill", {})
        print(f"| {r.size:,} | {r.build.total_seconds:.0f} s | {r.file_bytes / MIB:,.0f} MiB "
              f"| {_run_cell(r.commands.get('backfill'))} | {_run_cell(r.commands.get('no-change rerun'))} "
              f"| {_run_cell(r.commands.get('changed-text refetch'))} ({r.updated} changed) "
              f"| {_rss(r.commands.get('backfill'))} / {_rss(r.commands.get('no-change rerun'))} "
              f"| {_search(idle)} | {_search(busy)} | {_slowest(idle)} | {_slowest(busy)} "
              f"| {_gib(sum(r.disk_before.values()))} → {_gib(sum(r.disk_after.values()))} |")
    for r in results:
        writer = r.commands.get("backfill during the reads")
        print(f"\n{r.size:,}: build phases " + ", ".join(f"{k} {v:.0f} s" for k, v in r.build.seconds.items())
              + f" (in {r.build.workers or 'no'} worker process(es): "
              + ", ".join(f"{k} {v:.0f} s" for k, v in r.build.work.items()) + ")"
              + f"; rows {dict(r.build.rows.most_common(6))}; Arrow bytes {_gib(r.build.arrow_bytes)}"
              + f"; disk at end {({k: _gib(v) for k, v in r.disk_after.items()})}"
              + f"; the concurrent writer: {_run_cell(writer)}, peak RSS {_rss(writer)} MiB, "
              + f"{_overlapped(r.queries.get('during a backfill', {}), writer)}")
    largest = results[-1]
    print(f"\n### Example queries at {largest.size:,} articles "
          "(DuckDB's own time via `mediamon sql`; wall of the process)\n")
    print("| query | idle | idle wall | during a backfill | its wall |")
    print("|---|---|---|---|---|")
    for label, (own, done) in largest.queries.get("idle", {}).items():
        busy_own, busy = largest.queries.get("during a backfill", {}).get(label, (None, None))
        print(f"| {label} | {_timed(own, done)} | {done.wall:.1f} s | {_timed(busy_own, busy)} "
              f"| {f'{busy.wall:.1f} s' if busy else '—'} |")
    _print_ratios(results)
    fid = results[0].build.fidelity
    print(f"\nFingerprint fidelity of the derived fingerprints against extractors.fingerprint "
          f"on {fid.texts} synthetic texts: "
          f"MinHash Jaccard {fid.mean_jaccard}, LSH band keys equal {fid.band_keys_equal}, exact key equal "
          f"{fid.exact_key_equal}, anchor sets Jaccard {fid.anchor_jaccard}, shingle count ratio {fid.shingle_count_ratio}")
    print("Prefect: one server started before the first size for the whole benchmark; its start is in no figure.")
    print(f"Commands' memory cap: MEDIAMON_DB_MEMORY_LIMIT={options.memory_limit or 'the project default'}")
    print(f"\ncommand: {command}")


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if a and b else "n/a"


def _print_ratios(results: list) -> None:
    small, large = results[0], results[-1]
    print(f"\n### Must show (issue 18): {large.size:,} against {small.size:,} stored articles, one run\n")

    def wall(r, name):
        done = r.commands.get(name)
        return done.wall if done is not None and done.ok else None

    def peak(r):
        runs = [r.commands.get(n) for n in ("backfill", "no-change rerun")]
        return max(d.peak_rss for d in runs) if all(d is not None and d.ok for d in runs) else None

    def peak_pss(r):
        runs = [r.commands.get(n) for n in ("backfill", "no-change rerun")]
        return max(getattr(d, "peak_pss", 0) for d in runs) if all(d is not None and d.ok for d in runs) else None

    print(f"- 100-URL backfill wall ratio: {_ratio(wall(large, 'backfill'), wall(small, 'backfill'))} (bar ≤ 1.5)")
    rerun = "no-change rerun"
    print(f"- no-change rerun wall ratio: {_ratio(wall(large, rerun), wall(small, rerun))} (bar ≤ 1.5)")
    changed = "changed-text refetch"
    print(f"- refetch of 100 pages whose texts changed, wall ratio: {_ratio(wall(large, changed), wall(small, changed))}")
    print(f"- peak RSS ratio (backfill and rerun, both completed): {_ratio(peak(large), peak(small))} (bar ≤ 1.2); "
          f"of PSS: {_ratio(peak_pss(large), peak_pss(small))}")
    disk = sum(large.disk_after.values())
    print(f"- disk at end / data (the rows as uncompressed Arrow): {_ratio(disk, large.build.arrow_bytes)}; "
          f"/ the database file alone: {_ratio(disk, large.file_bytes)} (bar: ≤ 1.2x the data, no second full copy)")
    for mode, reads in large.queries.items():
        slow = [label for label, (t, done) in reads.items() if label not in SEARCHES and (t is None or t >= 2.0)]
        _, search = reads.get("mediamon search", (None, None))
        print(f"- {mode}: example queries of 2 s or more (or failing): {len(slow)} of "
              f"{len(reads) - len(SEARCHES)}{': ' + '; '.join(s[:50] for s in slow) if slow else ''}; "
              f"`mediamon search` {_run_cell(search) if search else 'not run'} (bar < 1 s)")
