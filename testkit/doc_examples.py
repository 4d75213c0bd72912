"""The SQL examples the user docs show analysts, as runnable statements.

tests/test_docs.py runs every ```sql block verbatim; benchmarks time each statement of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DOCS = (ROOT / "README.md", ROOT / "docs" / "analysts.md")


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced code block, in order."""
    blocks, language, lines = [], None, []
    for line in text.splitlines():
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                blocks.append((language, "\n".join(lines)))
                language = None
        elif language is not None:
            lines.append(line)
    return blocks


def sql_blocks(docs: tuple[Path, ...] = EXAMPLE_DOCS) -> list[tuple[str, int, str]]:
    """(document name, block index, body) of every ```sql block of ``docs``."""
    return [(doc.name, i, body) for doc in docs
            for i, (language, body) in enumerate(code_blocks(doc.read_text("utf-8"))) if language == "sql"]


@dataclass(frozen=True, slots=True)
class Example:
    label: str      # the comment above it, else where it is
    sql: str        # one statement, with its terminating semicolon


def example_statements(docs: tuple[Path, ...] = EXAMPLE_DOCS) -> list[Example]:
    """Every statement of the docs' SQL blocks, one by one (a block may hold several)."""
    found = []
    for doc, index, body in sql_blocks(docs):
        lines: list[str] = []
        for line in body.splitlines():
            lines.append(line)
            if line.rstrip().endswith(";"):
                found.append(_example(doc, index, lines, len(found)))
                lines = []
        if any(line.strip() and not line.strip().startswith("--") for line in lines):
            found.append(_example(doc, index, lines + [";"], len(found)))
    return found


def _example(doc: str, index: int, lines: list[str], number: int) -> Example:
    comments = [line.strip().lstrip("-").strip() for line in lines if line.strip().startswith("--")]
    statement = "\n".join(line for line in lines if not line.strip().startswith("--")).strip()
    label = comments[0] if comments else " ".join(statement.split())[:48]
    return Example(f"{doc} #{index}: {label}", statement)
