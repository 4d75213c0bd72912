"""Dependencies point one way: a package imports only from layers below its own.

    mediamon (CLI)  ->  flows  ->  engine  ->  fetch | archive | extractors | warehouse  ->  core

The four packages of the middle layer are peers and never import each other: the HTTP client
records responses through a protocol (``fetch.recorder``) the archive implements, and the warehouse
compares fingerprints with ``core.similarity`` and is handed the extractors' functions it needs by
the engine. ``testkit`` (test servers, corpus loader) is for tests and benchmarks only.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = {"core": 0, "fetch": 1, "archive": 1, "extractors": 1, "warehouse": 1, "engine": 2, "flows": 3, "mediamon": 4}
PROJECT = set(LAYER) | {"testkit", "tests", "benchmarks"}


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in ``path``, at any depth (imports inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return sorted(found)


def violations(package: str, root: Path = ROOT) -> list[str]:
    """Every import in ``package`` of a project package that is not strictly below it."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for line, imported in imports_of(path):
            if imported not in PROJECT or imported == package:
                continue
            if imported not in LAYER or LAYER[imported] >= LAYER[package]:
                found.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return found


def test_every_package_imports_only_from_layers_below():
    assert [v for package in LAYER for v in violations(package)] == []


def test_the_check_catches_an_import_that_points_up_or_sideways(tmp_path):
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "bad.py").write_text(
        "from core.records import Page\n"           # down: allowed
        "def f():\n    from extractors.links import canonical_url\n"  # sideways, inside a function
        "import flows.runs\n")                       # up
    assert violations("warehouse", tmp_path) == ["warehouse/bad.py:3 imports extractors", "warehouse/bad.py:4 imports flows"]


def test_tests_and_benchmarks_share_testkit_and_do_not_import_each_other():
    crossing = [f"{path.relative_to(ROOT)}:{line}" for folder, other in (("tests", "benchmarks"), ("benchmarks", "tests"))
                for path in sorted((ROOT / folder).rglob("*.py")) for line, imported in imports_of(path)
                if imported == other]
    assert crossing == []
