"""CPU of one fetch in this process: a conditional GET answered 304, and a full page, through ``Fetcher``.

    python -m benchmarks.fetch_cost            # 3 rounds of 500 URLs each way (about 40 s)

One thread, keep-alive, pacing off; the loopback server runs in a child process, so this process's
CPU time is the client's alone. Prints CPU milliseconds per URL for: a 304 (the whole of a no-change
rerun's fetch) and a 200 of a benchmark page (170 KB on average), each with and without the raw
archive (its WARC records), and, alternating in the same run, the request built by
``Session.prepare_request`` against ours (``fetch.exchange._prepared``).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROUTES = 2000


def serve() -> None:
    """The child process: 304s at /nm/<i>, the benchmark pages (or a small page) at /ok/<i>."""
    import threading

    from testkit.corpus import aeb_available, load_aeb
    from testkit.loopback import LoopbackServer, Reply, html_page

    bodies = [p["html"] for p in load_aeb().values()] if aeb_available() else [html_page("T", ["text " * 200])]
    with LoopbackServer() as server:
        for i in range(ROUTES):
            server.route(f"/nm/{i}", Reply(304, b"", {"ETag": '"v1"'}))
            server.route(f"/ok/{i}", Reply(200, bodies[i % len(bodies)], {"Content-Type": "text/html; charset=utf-8"}))
        print(server.url("/"), flush=True)
        threading.Event().wait(600)  # the parent kills it; the bound outlives a parent that died


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--urls", type=int, default=500, help="URLs a round and a kind (at most 1000)")
    options = parser.parse_args()
    n = min(options.urls, ROUTES // 2)

    from fetch import Fetcher
    from fetch import exchange
    from core.records import Validators
    from core.settings import Settings
    from archive.writer import WarcArchive

    child = subprocess.Popen([sys.executable, "-m", "benchmarks.fetch_cost", "--serve"], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        base = child.stdout.readline().strip().rstrip("/")
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(allow_hosts=("127.0.0.1",), per_host_delay=0, wayback=False, archive_dir=Path(tmp))
            archive = WarcArchive(Path(tmp))
            archived, bare = Fetcher(settings, archive=archive), Fetcher(settings)
            validators = Validators(etag='"v1"')
            ours = exchange._prepared

            def theirs(session, url, headers):
                import requests
                return session.prepare_request(requests.Request("GET", url, headers=headers))

            def cpu_ms(fetcher, kind: str, offset: int, with_validators: bool) -> float:
                started = time.process_time()
                for i in range(offset, offset + n):
                    fetcher.fetch(f"{base}/{kind}/{i}", validators if with_validators else None)
                return (time.process_time() - started) * 1000 / n

            archived.fetch(f"{base}/nm/0", validators)  # robots.txt, the connection
            bare.fetch(f"{base}/nm/0", validators)
            totals: dict[str, float] = {}
            for round_ in range(options.rounds):
                offset = (round_ % 2) * n
                runs = [("304, archived", archived, "nm", True), ("304, no archive", bare, "nm", True),
                        ("200, archived", archived, "ok", False), ("200, no archive", bare, "ok", False)]
                for name, fetcher, kind, conditional in runs:
                    totals[name] = totals.get(name, 0.0) + cpu_ms(fetcher, kind, offset, conditional)
                order = [("Session.prepare_request", theirs), ("ours", ours)]
                for name, prepare in order if round_ % 2 else order[::-1]:
                    exchange._prepared = prepare
                    totals[f"304, request by {name}"] = (totals.get(f"304, request by {name}", 0.0)
                                                         + cpu_ms(archived, "nm", offset, True))
                exchange._prepared = ours
            archived.close()
            bare.close()
            archive.close()
    finally:
        child.kill()
        child.wait()
    print(f"CPU of one fetch, this process, one thread ({options.rounds} rounds of {n} URLs, mean):")
    for name, total in totals.items():
        print(f"  {name:<40} {total / options.rounds:6.3f} ms")
    print("command: python -m benchmarks.fetch_cost " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve()
    else:
        sys.exit(main())
