"""The `mediamon` command as a user runs it: exit codes, one-line errors, a one-screen summary."""
import os
import subprocess
import sys

import pytest

from core.settings import bundled_seeds_dir
from testkit.loopback import seed_citing
from warehouse.db import open_snapshot


def mediamon(*args, env=None, cwd=None, timeout=180):
    return subprocess.run([sys.executable, "-m", "mediamon.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=timeout)


@pytest.mark.parametrize("args, message", [
    (["backfill", "--urls", "does-not-exist.txt"], "URL file not found: does-not-exist.txt"),
    (["run", "--seeds", "does-not-exist/"], "seeds folder not found: does-not-exist"),
    (["backfill"], "backfill needs --urls FILE or --warc FILE..."),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = mediamon(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"mediamon: error: {message}"
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_setting_is_exit_2(tmp_path):
    result = mediamon("run", env={"MEDIAMON_PER_HOST_DELAY": "soon"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("mediamon: error: MEDIAMON_PER_HOST_DELAY='soon' is not valid")


def test_unwritable_database_is_exit_1(tmp_path):
    result = mediamon("run", "--db", str(tmp_path / "no" / "such" / "dir" / "m.duckdb"), cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "database folder does not exist" in result.stderr


def test_newer_schema_is_exit_2(tmp_path):
    from warehouse import Warehouse
    from warehouse.lake_schema import latest_lake_version

    db = tmp_path / "m.duckdb"
    with Warehouse.open(db) as warehouse:
        warehouse.con.execute("INSERT INTO lake_schema_version VALUES (?, 'future', now())", [latest_lake_version() + 1])
    result = mediamon("status", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 2 and "newer than this mediamon" in result.stderr
    assert "Traceback" not in result.stderr


def test_bundled_seeds_are_the_default_input():
    names = sorted(p.name for p in bundled_seeds_dir().glob("*.txt"))
    assert len(names) == 5 and names[0].startswith("000_")


@pytest.mark.slow
def test_run_then_status(tmp_path, server, cli_prefect):
    seeds = tmp_path / "seeds"
    seed_citing(server, seeds, "A seed that cites one page: {page} and one dead link {dead}.")
    env = {"MEDIAMON_ALLOW_HOSTS": "127.0.0.1", "MEDIAMON_PER_HOST_DELAY": "0",
           "PREFECT_HOME": str(tmp_path / "prefect"), **cli_prefect}
    result = mediamon("run", "--seeds", str(seeds), "--db", str(tmp_path / "m.duckdb"), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "Error" not in output
    assert "completed" in result.stdout and "URLs planned" in result.stdout
    assert len(result.stdout.splitlines()) < 25  # one screen

    status = mediamon("status", "--db", str(tmp_path / "m.duckdb"), cwd=tmp_path)
    assert status.returncode == 0 and "nightly" in status.stdout and "completed" in status.stdout
    with open_snapshot(tmp_path / "m.duckdb") as con:
        assert con.execute("SELECT outcome FROM fetches ORDER BY url").fetchall() == [("ok",), ("http_error",)]


def test_flow_runs_of_the_cli_and_serve_send_no_heartbeats_unless_the_environment_asks(monkeypatch):
    """Prefect's heartbeat thread delays the end of every run by up to a second (README "Design notes")."""
    from prefect.settings import get_current_settings

    from flows.heartbeats import HEARTBEAT_VARIABLES, without_heartbeats

    for name in HEARTBEAT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    default = get_current_settings().flows.heartbeat_frequency
    assert default is not None
    with without_heartbeats():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency == default
    monkeypatch.setenv("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(default))
    with without_heartbeats():
        assert get_current_settings().flows.heartbeat_frequency == default
