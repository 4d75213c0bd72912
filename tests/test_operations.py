"""Operations: kill -9 at several points converges; analysts are never locked out by a run."""
import os
import signal
import subprocess
import sys
import threading

import pytest

from mediamon.shell import attach_lines
from testkit.loopback import Reply, html_page
from warehouse.db import open_snapshot
from warehouse.lake import lake_folder

pytestmark = pytest.mark.slow  # real Prefect servers, subprocesses, kill -9

WORDS = ["karabakh", "appeal", "diaspora", "election", "regime", "baku", "osce", "peace", "law", "community",
         "international", "statement", "ceasefire", "region", "shusha", "minsk", "group", "armenia", "council"]


def article(n: int) -> bytes:
    import random
    rng = random.Random(n)
    paragraphs = [" ".join(rng.choice(WORDS) + str(rng.randint(0, 30)) for _ in range(60)) + "." for _ in range(3)]
    return html_page(f"Article {n}", paragraphs)


def cli_run(seeds, db, env, *flags: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mediamon.cli", "run", "--seeds", str(seeds), "--db", str(db),
                             *flags],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def state(db) -> dict:
    """Everything a converged database must agree on (ids and hashes, not timestamps)."""
    with open_snapshot(db) as con:
        q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
        return {
            "seeds": q("SELECT seed_id, content_sha256 FROM seeds"),
            "citations": q("SELECT seed_id, position, url FROM citations"),
            "articles": q("SELECT doc_id, url, content_sha256, language FROM articles"),
            "duplicates": q("SELECT doc_id, duplicate_of, kind, similarity FROM duplicates"),
            "urls_with_outcome": q("SELECT DISTINCT url FROM fetches"),
            "article_rows_per_url": q("SELECT url, count(*) FROM articles GROUP BY url HAVING count(*) > 1"),
        }


@pytest.fixture
def cited_site(server, tmp_path):
    """A seed citing 24 pages on the loopback server; pages 20-23 copy pages 0-3 (duplicates)."""
    urls = []
    for n in range(24):
        body = article(n % 20)
        urls.append(server.route(f"/p/{n}", Reply(200, body, {"Content-Type": "text/html"})))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s.txt").write_text("A seed citing these pages:\n" + "\n".join(urls) + "\n")
    return seeds, urls


def run_env(prefect_server, **extra) -> dict:
    _, env, _ = prefect_server
    return {**env, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0", "MEDIAMON_BATCH_SIZE": "4",
            "MEDIAMON_FETCH_WORKERS": "2", **extra}


def test_kill_9_at_several_points_then_rerun_converges(server, cited_site, tmp_path, prefect_server):
    seeds, urls = cited_site
    env = run_env(prefect_server)
    reference = tmp_path / "reference.duckdb"
    clean = cli_run(seeds, reference, env)
    assert clean.wait(timeout=120) == 0, clean.stderr.read()
    expected = state(reference)
    assert len(expected["articles"]) == 24 and len(expected["duplicates"]) == 4

    db = tmp_path / "killed.duckdb"
    kill_points = [1, 9, 17, 24]   # the k-th page request of the run: before any commit, mid-run, at the end
    for k in kill_points:
        served = {"n": 0}
        victim = {}
        lock = threading.Lock()

        def counting(request, k=k):
            with lock:
                served["n"] += 1
                if served["n"] == k:
                    os.killpg(victim["proc"].pid, signal.SIGKILL)
            return Reply(200, article(int(request.path.rsplit("/", 1)[1]) % 20), {"Content-Type": "text/html"})

        for n in range(24):
            server.route(f"/p/{n}", counting)
        # `--all`: after the first kill point's rerun nothing is due until tomorrow; each run fetches every page
        victim["proc"] = cli_run(seeds, db, env, "--all")
        assert victim["proc"].wait(timeout=120) == -signal.SIGKILL, f"kill point {k} was not reached"
        for n in range(24):
            server.route(f"/p/{n}", Reply(200, article(n % 20), {"Content-Type": "text/html"}))
        rerun = cli_run(seeds, db, env)
        assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
        assert state(db) == expected, f"after kill at request {k}"
    with open_snapshot(db) as con:
        statuses = [s for (s,) in con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    assert statuses == ["crashed", "completed"] * len(kill_points)


def test_an_analyst_session_open_across_a_run(server, cited_site, tmp_path, prefect_server):
    seeds, urls = cited_site
    env = run_env(prefect_server)
    db = tmp_path / "analyst.duckdb"
    first = cli_run(seeds, db, env)
    assert first.wait(timeout=120) == 0, first.stderr.read()

    # an analyst opens the warehouse as docs/analysts.md says (`mediamon sql --print-attach` lines in
    # a plain DuckDB session) and keeps one transaction open for the whole next run
    opening = attach_lines(lake_folder(db))
    analyst = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(); [c.execute(l) for l in sys.argv[1:]]; "
         "c.execute('BEGIN TRANSACTION'); "
         "print(c.execute('SELECT count(*) FROM seeds').fetchone()[0], flush=True); sys.stdin.readline(); "
         "print(c.execute('SELECT count(*) FROM seeds').fetchone()[0], flush=True)", *opening],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert analyst.stdout.readline().strip() == "1"
    (seeds / "t.txt").write_text("A second seed, added for the next nightly run, citing nothing new.\n")

    # while the run fetches, fresh read-only sessions open and query the warehouse
    fresh_connects = []
    probes = threading.Semaphore(3)

    def connect_during_run(request):
        if probes.acquire(blocking=False):
            probe = subprocess.run([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(); "
                                    "[c.execute(l) for l in sys.argv[1:]]; "
                                    "print(c.execute('SELECT count(*) FROM seeds').fetchone()[0])", *opening],
                                   capture_output=True, text=True, timeout=60)
            fresh_connects.append((probe.returncode, probe.stdout.strip(), probe.stderr[-300:]))
        return Reply(200, article(int(request.path.rsplit("/", 1)[1]) % 20), {"Content-Type": "text/html"})

    for n in range(24):
        server.route(f"/p/{n}", connect_during_run)
    second = cli_run(seeds, db, env, "--all")  # every page fetched again, though none is due yet
    try:
        assert second.wait(timeout=180) == 0, second.stderr.read()
        # every fresh session succeeded and sees what is committed (the new seed, stored before any fetch)
        assert fresh_connects == [(0, "2", "")] * 3
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline().strip() == "1"  # the open session still reads its snapshot
    finally:
        analyst.kill()
        analyst.wait()
    with open_snapshot(db) as con:   # a new session sees the new seed
        assert con.execute("SELECT count(*) FROM seeds").fetchone()[0] == 2


def versions(db) -> dict:
    """Every version and event of every article (ids, hashes and kinds, not timestamps)."""
    with open_snapshot(db) as con:
        q = lambda sql: sorted(con.execute(sql).fetchall())  # noqa: E731
        return {"versions": q("SELECT doc_id, version, content_sha256, is_latest FROM article_versions"),
                "events": q("SELECT doc_id, event, version FROM article_events")}


def edited(n: int) -> bytes:
    return article(n % 20 + 1000)


@pytest.mark.slow
def test_kill_9_during_a_revisit_run_loses_no_version(server, cited_site, tmp_path, prefect_server):
    seeds, urls = cited_site
    env = run_env(prefect_server)
    html = {"Content-Type": "text/html"}

    def serve(body_of) -> None:
        for n in range(24):
            server.route(f"/p/{n}", Reply(200, body_of(n), html))

    def first_then_edited(db, kill_at: int | None = None) -> None:
        """A first run, every page edited, then `run --all`: killed at its ``kill_at``-th page request,
        and run again."""
        serve(lambda n: article(n % 20))
        first = cli_run(seeds, db, env)
        assert first.wait(timeout=120) == 0, first.stderr.read()
        serve(edited)
        if kill_at is not None:
            served, victim, lock = {"n": 0}, {}, threading.Lock()

            def counting(request):
                with lock:
                    served["n"] += 1
                    if served["n"] == kill_at:
                        os.killpg(victim["proc"].pid, signal.SIGKILL)
                return Reply(200, edited(int(request.path.rsplit("/", 1)[1])), html)

            for n in range(24):
                server.route(f"/p/{n}", counting)
            victim["proc"] = cli_run(seeds, db, env, "--all")
            assert victim["proc"].wait(timeout=120) == -signal.SIGKILL, f"kill point {kill_at} was not reached"
            with open_snapshot(db) as con:  # what the killed run committed
                kept = con.execute("SELECT count(*) FROM document_versions").fetchone()[0]
            assert 0 < kept < 24, f"the kill at request {kill_at} did not fall between two commits ({kept})"
            serve(edited)
        again = cli_run(seeds, db, env, "--all")
        assert again.wait(timeout=120) == 0, again.stderr.read()

    reference = tmp_path / "reference.duckdb"
    first_then_edited(reference)
    expected = versions(reference)
    assert len(expected["versions"]) == 48 and sum(1 for e in expected["events"] if e[1] == "edited") == 24
    # batches of 4 URLs, the next fetched while one commits: a request of the third batch means the
    # first is committed (engine.runner), so each kill falls between commits of the revisit run
    for kill_at in (10, 20):
        db = tmp_path / f"killed-{kill_at}.duckdb"
        first_then_edited(db, kill_at)
        assert versions(db) == expected, f"after a kill at request {kill_at}"
        assert state(db) == state(reference)
