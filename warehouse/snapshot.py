"""Analysts never wait for the writer, and the writer never waits for analysts.

DuckDB lets one process write a file or many read it, never both. So a run writes a private
working database beside the analyst one (``<name>.writer.duckdb``) and *publishes* it: a
checkpoint, a copy to a temporary file in the same folder, then an atomic ``os.replace`` onto
the analyst path. A session that has the old file open keeps reading its snapshot (the
replaced file lives on until it is closed); a session opened after the publish sees the new
data. The copy is an in-kernel ``copy_file_range``/``sendfile`` (``shutil.copyfile``), which
filesystems with reflinks (XFS, Btrfs) turn into a near-free clone.
"""
from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

import duckdb

from core.errors import DatabaseUnavailable
from warehouse.db_file import WORKING_COPY_HINT


def writer_path(analyst_path: Path) -> Path:
    """The private working database of the run that writes ``analyst_path``."""
    analyst_path = Path(analyst_path)
    stem = analyst_path.name[: -len(".duckdb")] if analyst_path.name.endswith(".duckdb") else analyst_path.name
    return analyst_path.with_name(f"{stem}.writer.duckdb")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def partial_copies(target: Path) -> list[Path]:
    """Copies of ``target`` being written (or left behind by a process that died while writing one)."""
    target = Path(target)
    return sorted(target.parent.glob(f".{glob.escape(target.name)}.*publishing"))


def copy_atomically(source: Path, target: Path) -> None:
    """Replace ``target`` with a copy of ``source``; readers see the old file or the new, never a mix.

    A copy that cannot be written or put in place is removed, and the failure is one line
    (``DatabaseUnavailable``): the folder is read-only, permission is denied, the disk is full."""
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.publishing")
    step = f"cannot write a copy of {source.name} in {target.parent}"
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb+") as copy:
            os.fsync(copy.fileno())
        step = f"cannot replace {target}"
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        _remove(partial)
        raise DatabaseUnavailable(f"{step}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(partial)
        raise


def _remove(path: Path) -> None:
    """Remove ``path`` if it is there; a folder that refuses (read-only, EROFS even for a missing file) is no error."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def publish(con: duckdb.DuckDBPyConnection, working: Path, analyst: Path) -> None:
    """Checkpoint the writer (all committed data into the main file) and publish a copy of it.

    When the analyst file cannot be replaced, the run's data stays in the working database and the
    next run publishes it; the message says so."""
    con.execute("CHECKPOINT")
    try:
        copy_atomically(working, analyst)
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(f"{exc}; what the run stored is kept in {working} and published by the next "
                                  f"run that can replace {analyst.name}") from None


def bootstrap(working: Path, analyst: Path) -> None:
    """A first run beside an existing analyst database starts from a copy of it."""
    if not working.exists() and analyst.exists() and analyst.stat().st_size > 0:
        try:
            copy_atomically(analyst, working)
        except DatabaseUnavailable as exc:
            raise DatabaseUnavailable(f"{exc} ({WORKING_COPY_HINT})") from None


def remove_partial_copies(target: Path) -> None:
    """Remove copies of ``target`` that a process left behind when it died while publishing.

    Called by the writer once it holds the writer's lock: no other process publishes then."""
    for partial in partial_copies(target):
        _remove(partial)
