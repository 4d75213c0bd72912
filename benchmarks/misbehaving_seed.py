"""Must-show: a seed citing ~30 misbehaving URLs, served on loopback, through ``mediamon run`` end to end.

    python -m benchmarks.misbehaving_seed          # polite default pacing, shortened timeouts (SETTINGS)

It starts the misbehaving server (testkit/misbehaving.py) on 127.0.0.1, writes a seed folder
citing one URL of every kind, runs ``mediamon run --seeds … --db …`` as a subprocess with
``MEDIAMON_ALLOW_HOSTS=127.0.0.1``, then prints the wall time, each URL's attempts and verdict, and
how many requests the server received per kind. ``tests/flows/test_misbehaving_seed.py`` runs the
same scenario with short timeouts (FAST_SETTINGS) and asserts it.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from testkit.misbehaving_seed import DRIP_EVERY, SETTINGS, report, run_scenario


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="mediamon-misbehaving-"))
    try:
        run = run_scenario(workdir, SETTINGS, DRIP_EVERY)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("settings:", " ".join(f"{k}={v}" for k, v in SETTINGS.items()), "(the rest default)")
    print(report(run))
    if run.exit_code != 0:
        print(run.output[-3000:])
    print("command: python -m benchmarks.misbehaving_seed")
    return 0 if run.exit_code == 0 and all(c.verdict == c.expected for c in run.cases) else 1


if __name__ == "__main__":
    sys.exit(main())
