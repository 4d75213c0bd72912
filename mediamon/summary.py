"""One-screen summaries for the console."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def print_summary(console: Console, report) -> None:
    counts = report.counts
    table = Table(title=f"mediamon {report.flow} run {report.run_id[:12]} — {report.status}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    if report.flow == "nightly":
        table.add_row("seeds read / new", f"{report.seeds_seen} / {report.new_seeds}")
    table.add_row("URLs planned", str(report.urls_planned))
    table.add_row("fetch attempts", str(sum(counts.outcomes.values())))
    for outcome, n in sorted(counts.outcomes.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(f"  {outcome}", str(n))
    table.add_row("new or updated articles", str(counts.new_articles))
    table.add_row("of them duplicates", str(counts.duplicates))
    if counts.languages:
        table.add_row("languages", ", ".join(f"{k} {v}" for k, v in counts.languages.most_common()))
    table.add_row("seconds", f"{report.seconds:.1f}")
    table.add_row("database", report.db_path)
    console.print(table)


def print_runs(console: Console, rows: list[tuple]) -> None:
    table = Table(title="last runs", pad_edge=False)
    for column in ("run", "flow", "started UTC", "status", "planned", "ok", "failed", "new", "dups", "seeds"):
        table.add_column(column, no_wrap=True,
                         justify="left" if column in ("run", "flow", "started UTC", "status") else "right")
    for run_id, flow, started, _finished, status, planned, ok, failed, new, dups, seeds in rows:
        table.add_row(run_id[:8], flow, started.strftime("%m-%d %H:%M") if started else "", status,
                      str(planned), str(ok), str(failed), str(new), str(dups), str(seeds))
    console.print(table)
