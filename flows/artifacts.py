"""A run's report attached to its Prefect flow run, as artifacts the Prefect UI shows."""
from __future__ import annotations

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from engine.report import RunReport


def publish_artifacts(report: RunReport) -> None:
    """The report as a Prefect table artifact and a markdown one, attached to the flow run."""
    key = f"mediamon-{report.flow}"
    create_table_artifact(table=report.rows(), key=key, description=f"mediamon {report.flow} run {report.run_id}")
    lines = [f"# mediamon {report.flow} run `{report.run_id}`: {report.status}", "",
             "| what | count |", "|---|---|"]
    lines += [f"| {row['what'].strip()} | {row['count']} |" for row in report.rows()]
    if report.warc_files:
        create_table_artifact(table=report.file_rows(), key=f"{key}-files",
                              description=f"mediamon {report.flow} run {report.run_id}: each WARC file")
        lines += ["", "| file | records read | ingested | damaged from byte |", "|---|---|---|---|"]
        lines += [f"| {' | '.join(row.values())} |" for row in report.file_rows()]
    create_markdown_artifact(markdown="\n".join(lines), key=f"{key}-summary",
                             description=f"mediamon {report.flow} run summary")
