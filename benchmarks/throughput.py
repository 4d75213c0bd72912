"""Throughput of `mediamon backfill` against bare single-process trafilatura, in one run.

    python -m benchmarks.throughput                      # 181 pages x 10 URLs, bare loop, no-change reruns
    python -m benchmarks.throughput --copies 100 --no-bare --no-rerun   # 18,100 URLs: memory only
    python -m benchmarks.throughput --copies 100 --no-bare              # 18,100 URLs: memory and reruns
    python -m benchmarks.throughput --profile            # also sample every thread/process with py-spy

Serves the 181 article-extraction-benchmark pages from ../shared on 127.0.0.1, each under
``--copies`` URLs (with an ETag, and 304 to a conditional GET), starts a Prefect server on
127.0.0.1 (as a deployment has one), and runs the CLI as a subprocess with pacing off. Prints
both walls and their ratio, pages/s, the peak RSS of the whole process tree, the walls of three
no-change reruns and their median, the same rerun's wall with a single URL (the fixed cost of
any run) and what a 10 % budget leaves each URL, and (with --profile) where the samples went,
orchestration included.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit.corpus import aeb_available, aeb_dir, load_aeb
from benchmarks.profile_share import classify_raw_profile
from testkit.loopback import LoopbackServer, serve_conditional
from testkit.prefect_server import free_port, start, stop, wait_for


_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def tree_pids(pid: int) -> list[int]:
    """A process and its descendants (from /proc: the children of each of their threads)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def usage(pids: list[int]) -> dict[int, tuple[int, float]]:
    """Resident memory (KiB) and CPU seconds so far of each process still alive (one /proc read each)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            found[pid] = (int(fields[21]) * _PAGE_KIB, (int(fields[11]) + int(fields[12])) / _TICKS)  # rss, utime + stime
        except (OSError, ValueError, IndexError):
            continue
    return found


def run_measured(args: list[str], env: dict) -> tuple[float, int, float, str]:
    """Wall seconds, peak tree RSS (KiB) and CPU seconds of a command and its descendants.

    Sampled from /proc every 0.1 s, the tree re-discovered every second (walking every thread's
    children is the expensive part, and the sampler shares the cores it measures): a process living
    under a second may be missed, and one's last 0.1 s of CPU may be."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, cpu = 0, {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        pids, tick = [process.pid], 0
        while not done.wait(0.1):
            if tick % 10 == 0:
                pids = tree_pids(process.pid)
            tick += 1
            now = usage(pids)
            peak = max(peak, sum(rss for rss, _ in now.values()))
            cpu.update({pid: seconds for pid, (_, seconds) in now.items()})

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({process.returncode}):\n{output[-3000:]}")
    return wall, peak, sum(cpu.values()), output


def loopback_env(tmp: Path, port: int, **mediamon: str) -> dict[str, str]:
    """The environment of a benchmark's processes: a Prefect server on 127.0.0.1:``port`` with its home
    in ``tmp``, telemetry off, mediamon allowed onto loopback with pacing off, plus ``mediamon``."""
    return {**os.environ, "PREFECT_HOME": str(tmp / "prefect"), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING",
            "MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0", "MEDIAMON_FETCH_WORKERS": "16",
            **mediamon}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--no-bare", dest="bare", action="store_false")
    parser.add_argument("--no-rerun", dest="rerun", action="store_false")
    parser.add_argument("--profile", action="store_true", help="sample the backfill with py-spy")
    options = parser.parse_args()

    if not aeb_available():
        print(f"needs the benchmark pages at {aeb_dir()}", file=sys.stderr)
        return 2
    pages = {k: page["html"] for k, page in load_aeb().items()}

    with tempfile.TemporaryDirectory() as tmp, LoopbackServer() as server:
        tmp = Path(tmp)
        urls = serve_conditional(server, pages, options.copies)
        (tmp / "urls.txt").write_text("\n".join(urls) + "\n")
        port = free_port()
        env = loopback_env(tmp, port, MEDIAMON_PER_HOST_CONCURRENCY="16", MEDIAMON_ARCHIVE_DIR=str(tmp / "archive"))
        prefect = start([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                         str(port)], env, tmp / "server.log")
        try:
            import requests
            wait_for(lambda: _healthy(requests, port), 90, "the Prefect server")
            cli = [sys.executable, "-m", "mediamon.cli", "backfill", "--urls", str(tmp / "urls.txt"),
                   "--db", str(tmp / "bench.duckdb")]
            profiler = [str(Path(sys.executable).with_name("py-spy")), "record", "--subprocesses", "--format", "raw",
                        "--rate", "100", "-o", str(tmp / "profile.raw"), "--"] if options.profile else []
            bare_before = bare_wall(pages, options.copies) if options.bare else None
            wall, peak, cpu, _ = run_measured([*profiler, *cli], env)
            requests_first = len(server.requests)
            # three no-change reruns: on this shared machine one rerun's wall varies by +-20 %
            rerun_walls = [run_measured([*cli, "--refetch"], env)[0] for _ in range(3)] if options.rerun else []
            # the same rerun with one URL, three times: what any run costs before and after its URLs
            (tmp / "one.txt").write_text(urls[0] + "\n")
            one = [*cli[:cli.index("--urls") + 1], str(tmp / "one.txt"), *cli[cli.index("--urls") + 2:], "--refetch"]
            fixed_walls = [run_measured(one, env)[0] for _ in range(3)] if options.rerun else []
            statuses = _count_statuses(tmp / "bench.duckdb")
        finally:
            stop(prefect)
        print(f"URLs: {len(urls)} ({len(pages)} pages x {options.copies}), requests served: {requests_first}")
        print(f"mediamon backfill: wall {wall:.1f}s, {len(urls) / wall:.1f} pages/s, peak RSS (process tree) "
              f"{peak / 1024:.0f} MiB; CPU {cpu:.1f}s over the process tree ({cpu / wall:.2f} cores busy on "
              f"average); outcomes {statuses}")
        if options.bare:
            bare_after = bare_wall(pages, options.copies)
            bare = (bare_before + bare_after) / 2
            print(f"bare trafilatura.extract, one process: wall {bare_before:.1f}s before the backfill and "
                  f"{bare_after:.1f}s after it, mean {bare:.1f}s, {len(urls) / bare:.1f} pages/s")
            print(f"CPU pipeline / bare: {cpu / bare:.2f} (the ratio's floor on 2 free cores is half of it)")
            print(f"ratio pipeline / bare: {wall / bare:.2f}")
        if rerun_walls:
            median = sorted(rerun_walls)[1]
            print(f"no-change rerun (conditional GET, 304), three times: walls "
                  f"{', '.join(f'{w:.1f}s' for w in rerun_walls)}; median {median:.1f}s = {median / wall:.1%} of the first")
            fixed = sorted(fixed_walls)[1]
            budget = 0.10 * wall - fixed
            print(f"  the same with one URL (the run's fixed cost: Python, Prefect, the flow run, the database), "
                  f"three times: {', '.join(f'{w:.2f}s' for w in fixed_walls)}; median {fixed:.2f}s "
                  f"= {fixed / wall:.1%} of the first run")
            print(f"  so a URL costs {(median - fixed) / len(urls) * 1000:.2f} ms in a no-change rerun; a rerun at 10 % "
                  f"of the first run leaves {budget:.2f}s after the fixed cost: "
                  f"{max(budget, 0) / len(urls) * 1000:.2f} ms a URL")
        if options.profile:
            raw = (tmp / "profile.raw").read_text()
            Path(os.environ.get("MEDIAMON_PROFILE_OUT", "/dev/null")).write_text(raw)
            shares = classify_raw_profile(raw)
            total = sum(shares.values())
            print(f"py-spy samples at 100 Hz over all threads and processes: {total} "
                  f"({total / 100 / wall:.2f} busy cores on average)")
            for category, samples in shares.most_common():
                print(f"  {category:<14} {samples / total:6.1%}  ({samples / 100:.1f} CPU-s, "
                      f"{samples / 100 / wall:.1%} of wall)")
    print("command: python -m benchmarks.throughput " + " ".join(sys.argv[1:]))
    return 0


def bare_wall(pages: dict[str, bytes], copies: int) -> float:
    """Seconds of the bare loop: ``trafilatura.extract`` over every URL's bytes, in this process.

    The benchmark runs it before and after the backfill and divides by the mean: this machine's
    speed drifts by 10-20 % within minutes, and a single bare run would carry all of it."""
    import trafilatura
    trafilatura.extract(next(iter(pages.values())).decode("utf-8"))  # imports and first-call set-up
    started = time.perf_counter()
    for _ in range(copies):
        for body in pages.values():
            trafilatura.extract(body.decode("utf-8"))
    return time.perf_counter() - started


def _healthy(requests, port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2).ok
    except requests.ConnectionError:
        return False


def _count_statuses(db: Path) -> dict:
    from warehouse.db import open_snapshot
    with open_snapshot(db) as con:
        return dict(con.execute("SELECT outcome, count(*) FROM fetches GROUP BY outcome ORDER BY 2 DESC").fetchall())


if __name__ == "__main__":
    sys.exit(main())
