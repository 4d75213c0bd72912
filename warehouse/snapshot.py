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

import os
import shutil
from pathlib import Path

import duckdb


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


def copy_atomically(source: Path, target: Path) -> None:
    """Replace ``target`` with a copy of ``source``; readers see the old file or the new, never a mix."""
    partial = target.with_name(f".{target.name}.publishing")
    shutil.copyfile(source, partial)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    _fsync_dir(target.parent)


def publish(con: duckdb.DuckDBPyConnection, working: Path, analyst: Path) -> None:
    """Checkpoint the writer (all committed data into the main file) and publish a copy of it."""
    con.execute("CHECKPOINT")
    copy_atomically(working, analyst)


def bootstrap(working: Path, analyst: Path) -> None:
    """A first run beside an existing analyst database starts from a copy of it."""
    if not working.exists() and analyst.exists():
        copy_atomically(analyst, working)
