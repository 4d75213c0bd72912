"""The writer works on a private database and publishes snapshots that analysts open read-only."""
import subprocess
import sys

import pytest

from warehouse import DatabaseUnavailable, Warehouse
from warehouse.db import open_snapshot
from warehouse.snapshot import writer_path

pytestmark = pytest.mark.usefixtures("file_storage")  # the DuckDB file itself (the lake: test_lake.py)


COUNT_RUNS = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
              "print(c.execute('SELECT count(*) FROM runs').fetchone()[0])")


def runs_seen_by_a_new_process(path) -> int:
    result = subprocess.run([sys.executable, "-c", COUNT_RUNS, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_writer_path_sits_beside_the_analyst_database(tmp_path):
    assert writer_path(tmp_path / "m.duckdb") == tmp_path / "m.writer.duckdb"
    assert writer_path(tmp_path / "data") == tmp_path / "data.writer.duckdb"


def test_nothing_is_visible_before_publish_and_everything_after(tmp_path):
    analyst = tmp_path / "m.duckdb"
    with Warehouse.open(analyst) as warehouse:
        warehouse.start_run("test")
        assert not analyst.exists()
        warehouse.publish()
        assert runs_seen_by_a_new_process(analyst) == 1
        warehouse.start_run("test")
        assert runs_seen_by_a_new_process(analyst) == 1   # committed but not yet published
        warehouse.publish()
        assert runs_seen_by_a_new_process(analyst) == 2


def test_an_open_analyst_session_keeps_its_snapshot_and_never_blocks_the_writer(tmp_path):
    analyst = tmp_path / "m.duckdb"
    with Warehouse.open(analyst) as warehouse:
        warehouse.start_run("test")
        warehouse.publish()
    reader = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print(c.execute('SELECT count(*) FROM runs').fetchone()[0], flush=True); "
                               "sys.stdin.readline(); "
                               "print(c.execute('SELECT count(*) FROM runs').fetchone()[0], flush=True)",
                               str(analyst)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"       # the analyst's session is open now
        with Warehouse.open(analyst) as warehouse:           # the writer opens anyway
            warehouse.start_run("test")
            warehouse.publish()
        assert runs_seen_by_a_new_process(analyst) == 2      # a fresh session sees the new run
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"       # the open one still reads its snapshot
    finally:
        reader.kill()
        reader.wait()


def test_a_second_writer_is_refused_plainly(tmp_path):
    analyst = tmp_path / "m.duckdb"
    with Warehouse.open(analyst):
        holder = subprocess.run(
            [sys.executable, "-c", "import sys; from warehouse import Warehouse, DatabaseUnavailable\n"
             "try:\n    Warehouse.open(sys.argv[1])\nexcept DatabaseUnavailable as e:\n    print(e)",
             str(analyst)], capture_output=True, text=True, timeout=60)
    assert "another mediamon run is writing" in holder.stdout


def test_a_run_left_running_by_a_dead_process_is_marked_crashed(tmp_path):
    analyst = tmp_path / "m.duckdb"
    with Warehouse.open(analyst) as warehouse:
        run_id = warehouse.start_run("test")
    with Warehouse.open(analyst) as warehouse:
        assert warehouse.con.execute("SELECT status FROM run_log WHERE run_id = ?", [run_id]).fetchone() == ("crashed",)


def test_snapshot_reader_refuses_what_is_not_there(tmp_path):
    with pytest.raises(DatabaseUnavailable, match="no database"):
        open_snapshot(tmp_path / "none.duckdb")


def test_first_writer_starts_from_an_existing_analyst_database(tmp_path):
    analyst = tmp_path / "m.duckdb"
    with Warehouse.open(analyst) as warehouse:
        warehouse.start_run("test")
        warehouse.publish()
    writer_path(analyst).unlink()
    with Warehouse.open(analyst) as warehouse:
        assert warehouse.con.execute("SELECT count(*) FROM run_log").fetchone()[0] == 1
