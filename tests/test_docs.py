"""The user docs stay true: the README's two commands, every setting and outcome documented, links that
resolve, benchmark commands that exist, SQL examples that run, and no development diary."""
import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from testkit.doc_examples import code_blocks as _code_blocks  # the docs' code blocks, as benchmarks read them
from warehouse.db import open_snapshot

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
USER_DOCS = [README, *sorted(DOCS.glob("*.md"))]


def _text(path: Path) -> str:
    return path.read_text("utf-8")


def _code_lines(text: str) -> list[str]:
    return [line.strip() for _, body in _code_blocks(text) for line in body.splitlines()]


# -- the README ---------------------------------------------------------------------------------

def test_readme_opens_with_the_run_and_test_commands_and_ci_runs_the_test_one():
    run_command, test_command = _code_lines(_text(README))[:2]
    assert run_command.endswith("mediamon run")
    assert test_command.endswith("python -m pytest -q")
    assert test_command in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()


def test_readme_is_short_and_points_to_every_user_doc():
    readme = _text(README)
    assert len(readme.splitlines()) <= 200
    for name in ("analysts.md", "operations.md", "design.md", "benchmarks.md"):
        assert f"](docs/{name}" in readme, f"README does not link docs/{name}"


# -- contracts documented -----------------------------------------------------------------------

def test_every_setting_is_documented_in_the_settings_tables():
    from core.settings import ENVIRONMENT_VARIABLES

    operations = _text(DOCS / "operations.md")
    assert not [name for name in ENVIRONMENT_VARIABLES if f"| `{name}` |" not in operations]


def test_every_outcome_is_documented():
    from core.records import Outcome

    analysts = _text(DOCS / "analysts.md")
    assert not [o.value for o in Outcome if f"| `{o.value}` |" not in analysts]


def test_every_view_is_documented_with_every_column():
    """Each view of warehouse/views.sql has a heading in analysts.md, and each of its columns a row."""
    con = duckdb.connect()
    from warehouse.db import migrate
    migrate(con)
    analysts = _text(DOCS / "analysts.md")
    sections = re.split(r"^### ", analysts, flags=re.M)
    views = [row[0] for row in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name").fetchall()]
    assert views
    missing = []
    for view in views:
        section = next((s for s in sections if s.startswith(f"`{view}`")), None)
        if section is None:
            missing.append(view)
            continue
        columns = [row[0] for row in con.execute(f"DESCRIBE {view}").fetchall()]
        missing += [f"{view}.{c}" for c in columns if f"`{c}`" not in section]
    assert missing == []


# -- links and commands -------------------------------------------------------------------------

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", _text(path), flags=re.M)}


def test_slugs_follow_github():
    assert _slug("Where an article's bytes came from: `via`") == "where-an-articles-bytes-came-from-via"
    assert _slug("The raw archive (WARC)") == "the-raw-archive-warc"


def test_every_relative_link_resolves_to_a_file_and_heading():
    broken = []
    for doc in USER_DOCS:
        for target in _LINK.findall(_text(doc)):
            if re.match(r"[a-z]+:", target):
                continue  # http(s)://, mailto:
            path_part, _, anchor = target.partition("#")
            path = (doc.parent / path_part).resolve() if path_part else doc
            if not path.is_file():
                broken.append(f"{doc.name}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{doc.name}: {target} (no such heading)")
    assert broken == []


def test_every_benchmark_command_names_an_existing_module():
    text = _text(DOCS / "benchmarks.md")
    named = set(re.findall(r"python -m benchmarks\.(\w+)", text))
    assert len(named) >= 5
    assert sorted(n for n in named if not (ROOT / "benchmarks" / f"{n}.py").is_file()) == []


def test_every_benchmark_module_has_its_figures_documented():
    text = _text(DOCS / "benchmarks.md")
    modules = [p.stem for p in (ROOT / "benchmarks").glob("*.py")
               if p.stem != "__init__" and "def main(" in _text(p)]
    assert modules
    assert [m for m in modules if f"python -m benchmarks.{m}" not in text] == []


# -- no development diary -----------------------------------------------------------------------

# Phrases that narrate how the project got here rather than say what it is. Not exhaustive: a
# reviewer reads the docs too; these catch the diary style the docs must not slip back into.
DIARY = re.compile(
    r"\b(this|previous|last|earlier|first|second|third|fourth|fifth|next) session\b"
    r"|\bwas measured\b|\bwere measured\b|\bdropped from\b|\bmoved from\b|\bno longer\b"
    r"|\bsince then\b|\bwent from\b|\bused to be\b|\bas before\b|\bbefore (the|this) change\b"
    r"|\bbefore migration\b|\bafter migration\b|\bon the final code\b",
    re.IGNORECASE)


def test_the_diary_check_catches_diary_phrases():
    assert DIARY.search("In the fifth session the ratio went from 1.2 to 0.9.")
    assert DIARY.search("The log was measured before migration 008.")
    assert not DIARY.search("Each batch is one transaction; the index is built at the end of a run.")


def test_docs_state_what_is_not_how_it_got_there():
    found = [f"{doc.name}:{n}: {m.group(0)!r}" for doc in USER_DOCS
             for n, line in enumerate(_text(doc).splitlines(), start=1) for m in DIARY.finditer(line)]
    assert found == []


# -- SQL examples run ---------------------------------------------------------------------------

def _sql_examples() -> list[tuple[str, int, str]]:
    return [(doc.name, i, body) for doc in (README, DOCS / "analysts.md")
            for i, (language, body) in enumerate(_code_blocks(_text(doc))) if language == "sql"]


def _article_page(url: str, text: str, title: str, language: str):
    from core.records import Article, FetchResult, Language, Outcome, Page
    from extractors.fingerprint import fingerprint

    fetch = FetchResult(url=url, attempted_at=datetime.now(timezone.utc), outcome=Outcome.OK, http_status=200,
                        final_url=url, body=b"<html/>", bytes=7, content_type="text/html")
    return Page(fetch, Article(text, title, None, "2020-09-28", None, "test"),
                Language(language, 0.99, "agree", language, 0.99, language, 0.99, None), fingerprint(text),
                hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> Path:
    """A warehouse with seeds, citations, articles (one a copy of the seed), a failed
    fetch, a finished run and its search index: what the docs' examples query."""
    from core.records import FetchResult, Language, Outcome, Page
    from extractors.fingerprint import fingerprint
    from extractors.seed import parse_seed
    from warehouse import Warehouse
    from warehouse.store import BatchCounts

    seed_text = ("Shusha inauguration draws protest from the diaspora\n\n"
                 "Diaspora organizations protest against the inauguration in Shusha, Karabakh, on 21 May 2020. "
                 "Sources: https://news.example/az/1 and https://news.example/ru/2 and https://gone.example/3\n")
    other_text = " ".join(f"karabakh{i % 7} ceasefire{i % 5} osce{i % 3} statement" for i in range(80))
    seed = parse_seed(seed_text, "seeds/000.txt")
    db = tmp_path_factory.mktemp("docs") / "mediamon.duckdb"
    with Warehouse.open(db) as warehouse:
        run = warehouse.start_run("nightly")
        warehouse.store_seeds([(seed, Language("en", 0.99, "agree"), fingerprint(seed.text))], run)
        dead = Page(FetchResult(url="https://gone.example/3", attempted_at=datetime.now(timezone.utc),
                                outcome=Outcome.DNS_ERROR, error="name does not resolve"))
        counts = warehouse.commit_batch([
            _article_page("https://news.example/az/1", seed_text, "Shusha inauguration", "en"),
            _article_page("https://news.example/ru/2", other_text, "Karabakh ceasefire", "ru"),
            dead,
        ], run)
        total = BatchCounts()
        total.add(counts)
        warehouse.finish_run(run, "completed", urls_planned=3, counts=total, new_seeds=1)
        warehouse.publish()
    return db


def test_the_small_warehouse_holds_what_the_examples_need(small_warehouse):
    with open_snapshot(small_warehouse) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM duplicates WHERE kind = 'exact'").fetchone()[0] == 1


_SEARCH_TO_CSV = re.compile(r'mediamon search "([^"]+)" --format csv > hits\.csv')


@pytest.fixture(scope="module")
def search_hits(small_warehouse, tmp_path_factory) -> Path:
    """A folder holding the hits.csv the docs' search command writes (run on the small warehouse)."""
    import subprocess
    import sys

    queries = [m.group(1) for doc in (README, DOCS / "analysts.md") for m in _SEARCH_TO_CSV.finditer(_text(doc))]
    folder = tmp_path_factory.mktemp("hits")
    if queries:
        found = subprocess.run([sys.executable, "-m", "mediamon.cli", "search", queries[0], "--format", "csv",
                                "--db", str(small_warehouse)], capture_output=True, text=True, timeout=120)
        assert found.returncode == 0, found.stderr
        (folder / "hits.csv").write_text(found.stdout, "utf-8")
    return folder


@pytest.mark.parametrize("doc,index,sql", _sql_examples(), ids=[f"{d}-block{i}" for d, i, _ in _sql_examples()])
def test_every_sql_example_runs_verbatim_on_a_published_warehouse(small_warehouse, search_hits, monkeypatch,
                                                                 doc, index, sql):
    monkeypatch.chdir(search_hits)  # where the docs' `mediamon search ... > hits.csv` wrote its file
    with open_snapshot(small_warehouse) as con:
        con.execute(sql).fetchall()


def test_there_are_sql_examples_and_the_search_example_finds_the_seed_copy(small_warehouse, search_hits,
                                                                            monkeypatch):
    examples = _sql_examples()
    assert len(examples) >= 4
    assert (search_hits / "hits.csv").is_file(), "the docs show no `mediamon search \"...\" --format csv > hits.csv`"
    search = next(body for _, _, body in examples if "read_csv('hits.csv')" in body and "url" in body)
    monkeypatch.chdir(search_hits)
    with open_snapshot(small_warehouse) as con:
        cursor = con.execute(search)
        columns = [d[0] for d in cursor.description]
        urls = [row[columns.index("url")] for row in cursor.fetchall()]
    assert "https://news.example/az/1" in urls
