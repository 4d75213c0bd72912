"""A seed citing misbehaving servers, run through `mediamon run` in a subprocess (benchmarks.misbehaving_seed and its test)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Default pacing (2 in flight, 1 s between request starts to the one loopback host) and retries
# (3 attempts, 1 s backoff base); timeouts shortened from 10/20/60 s so the run stays a few minutes.
SETTINGS = {"MEDIAMON_CONNECT_TIMEOUT": "5", "MEDIAMON_READ_TIMEOUT": "10", "MEDIAMON_TOTAL_TIMEOUT": "20"}
DRIP_EVERY = 2.0  # seconds between dripped bytes: well inside the 10 s read timeout
FAST_SETTINGS = {"MEDIAMON_CONNECT_TIMEOUT": "1", "MEDIAMON_READ_TIMEOUT": "0.5", "MEDIAMON_TOTAL_TIMEOUT": "1.5",
                 "MEDIAMON_PER_HOST_DELAY": "0", "MEDIAMON_PER_HOST_CONCURRENCY": "8",
                 "MEDIAMON_BACKOFF_BASE": "0.05", "MEDIAMON_RETRY_AFTER_CAP": "5"}
FAST_DRIP_EVERY = 0.2


@dataclass(frozen=True, slots=True)
class CaseResult:
    kind: str
    expected: str
    attempts: tuple[str, ...]   # outcome of every attempt, in order (the last is the verdict)
    requests: int               # requests the server received for the case's own path
    text: str | None            # the stored article's text, if any
    contains: str | None

    @property
    def verdict(self) -> str | None:
        return self.attempts[-1] if self.attempts else None


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    seconds: float
    exit_code: int
    output: str                 # stdout and stderr of `mediamon run`
    cases: tuple[CaseResult, ...]
    robots_requests: int
    total_requests: int
    other_requests: dict[str, int]  # requests for paths no case cites (robots.txt, redirect targets)


def _mediamon_command() -> list[str]:
    script = Path(sys.executable).with_name("mediamon")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from mediamon.cli import main; main()"]


def _write_seed(folder: Path, urls: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(f"{n}. {url}" for n, url in enumerate(urls, start=1))
    (folder / "misbehaving.txt").write_text(
        "Outlets that misbehave\n\nA seed article republished by small news sites that are slow, flaky, "
        f"mis-declare their charsets and redirect in odd ways.\nSources:\n{lines}\n", "utf-8")


def _read_back(db: Path, cases, urls: list[str], server) -> tuple[CaseResult, ...]:
    from extractors.links import canonical_url
    from warehouse.db import open_snapshot

    with open_snapshot(db) as con:
        results = []
        for case, url in zip(cases, urls):
            canonical = canonical_url(url)
            attempts = con.execute("SELECT outcome FROM fetches WHERE url = ? ORDER BY attempted_at",
                                   [canonical]).fetchall()
            text = con.execute("SELECT text FROM articles WHERE url = ?", [canonical]).fetchone()
            results.append(CaseResult(case.kind, case.expected, tuple(a[0] for a in attempts),
                                      server.hits(case.path), text[0] if text else None, case.contains))
    return tuple(results)


def run_scenario(workdir: Path, settings: dict[str, str], drip_every: float) -> ScenarioRun:
    """Serve the cases, run `mediamon run` over a seed citing them, read back what it stored. ``settings``:
    environment variables for the run (MEDIAMON_*, and PREFECT_API_URL to report to a running server)."""
    from testkit.misbehaving import MisbehavingServer, install_cases
    from warehouse.sessions import warehouse_found

    with MisbehavingServer() as server:
        cases = install_cases(server, drip_every)
        urls = [server.url(case.path) for case in cases]
        _write_seed(workdir / "seeds", urls)
        db = workdir / "misbehaving.duckdb"
        env = {**os.environ, **settings, "MEDIAMON_ALLOW_HOSTS": "127.0.0.1",
               "MEDIAMON_ARCHIVE_DIR": str(workdir / "archive"), "PREFECT_LOGGING_LEVEL": "WARNING",
               "MEDIAMON_WAYBACK": "off",  # the live fetcher's verdicts; the web-archive fallback: test_wayback.py
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
        env.setdefault("PREFECT_HOME", str(workdir / "prefect"))
        started = time.monotonic()
        done = subprocess.run([*_mediamon_command(), "run", "--seeds", str(workdir / "seeds"), "--db", str(db)],
                              env=env, cwd=workdir, capture_output=True, text=True, timeout=600)
        seconds = time.monotonic() - started
        results = _read_back(db, cases, urls, server) if warehouse_found(db) else ()
        cited = {case.path for case in cases}
        others = Counter(r.path for r in server.requests if r.path not in cited)
        return ScenarioRun(seconds, done.returncode, done.stdout + done.stderr, results,
                           server.hits("/robots.txt"), len(server.requests), dict(sorted(others.items())))


def report(run: ScenarioRun) -> str:
    lines = [f"mediamon run: exit {run.exit_code}, wall {run.seconds:.1f} s, "
             f"{len(run.cases)} URLs, {run.total_requests} requests received "
             f"(robots.txt: {run.robots_requests})", ""]
    lines.append(f"{'kind':<22} {'expected':<18} {'verdict':<18} {'requests':>8}  attempts")
    for case in run.cases:
        mark = "" if case.verdict == case.expected else "   <-- UNEXPECTED"
        if case.contains and (case.text is None or case.contains not in case.text):
            mark += "   <-- TEXT NOT DECODED"
        lines.append(f"{case.kind:<22} {case.expected:<18} {case.verdict or '-':<18} {case.requests:>8}  "
                     f"{', '.join(case.attempts)}{mark}")
    lines.append("other paths requested: " + ", ".join(f"{p} {n}" for p, n in run.other_requests.items()))
    failures = sum(1 for c in run.cases if c.verdict != c.expected)
    lines += ["", f"{len(run.cases) - failures}/{len(run.cases)} URLs ended as expected; "
              f"traceback in output: {'yes' if 'Traceback' in run.output else 'no'}"]
    return "\n".join(lines)
