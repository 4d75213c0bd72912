"""One-screen summaries for the console."""
from __future__ import annotations

import csv
import json
from typing import TextIO

from rich.console import Console
from rich.table import Table


def print_summary(console: Console, report) -> None:
    table = Table(title=f"mediamon {report.flow} run {report.run_id[:12]}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for row in report.rows():
        table.add_row(row["what"], row["count"])
    console.print(table)
    if getattr(report, "warc_files", None):
        print_files(console, report.file_rows())


def print_files(console: Console, rows: list[dict[str, str]]) -> None:
    """A WARC backfill's files: records read, responses ingested, where damage starts."""
    table = Table(title="WARC files", pad_edge=False)
    for column in ("file", "records read", "ingested", "damaged from byte"):
        table.add_column(column, overflow="fold", justify="left" if column == "file" else "right")
    for row in rows:
        table.add_row(*row.values())
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


def print_search(console: Console, query: str, rows: list[tuple]) -> None:
    if not rows:
        console.print(f"no article matches {query!r}", markup=False)
        return
    table = Table(title=f"articles matching {query!r}")
    for column in ("score", "doc_id", "language", "title / url", "text"):
        table.add_column(column, overflow="fold")
    for score, doc_id, url, title, language, snippet in rows:
        table.add_row(f"{score:.2f}", doc_id, language or "", f"{title or ''}\n{url}", snippet)
    console.print(table)


HIT_COLUMNS = ("score", "doc_id", "url", "title", "language", "snippet")


def write_hits(stream: TextIO, hits: list[tuple], form: str) -> None:
    """Search hits as CSV with a header, or as a JSON array of objects: a file DuckDB reads
    (``read_csv``, ``read_json``) to join with the articles view by ``doc_id``."""
    if form == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HIT_COLUMNS)
        writer.writerows(hits)
    else:
        json.dump([dict(zip(HIT_COLUMNS, hit)) for hit in hits], stream, ensure_ascii=False, indent=1)
        stream.write("\n")
