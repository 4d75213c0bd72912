"""The README's first command works on a new machine: a fresh home directory (Prefect's server starts
with a new database) while both cores are busy, with Prefect's own defaults (no PREFECT_* settings)."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testkit.loopback import seed_citing

BUSY = "import time\nend = time.time() + 600\nwhile time.time() < end:\n    pass\n"


@pytest.mark.slow
def test_mediamon_run_on_a_fresh_home_with_both_cores_busy(server, tmp_path):
    """`mediamon run` as the README runs it, except that its seed cites the loopback server (tests never
    leave 127.0.0.1), with the installed entry point and every PREFECT_* and MEDIAMON_* setting unset."""
    seeds = tmp_path / "seeds"
    seed_citing(server, seeds)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MEDIAMON_"))}
    env.update(HOME=str(home), MEDIAMON_ALLOW_HOSTS="127.0.0.1", MEDIAMON_WAYBACK="off")
    command = Path(sys.executable).with_name("mediamon")
    burners = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count() or 2)]
    try:
        started = time.monotonic()
        result = subprocess.run([str(command), "run", "--seeds", str(seeds)], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=540)
        seconds = time.monotonic() - started
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert (home / ".prefect").is_dir()  # Prefect's home really was new
    assert (tmp_path / "mediamon.lake" / "catalog.sqlite").is_file() and (tmp_path / "mediamon.archive").is_dir()
    print(f"first run on a fresh home with {len(burners)} busy cores: {seconds:.1f} s")
