"""Running a command as a subprocess with its wall time, exit status, last message and peak RSS.

The peaks are of the whole process tree (the command and every process it starts: analysis
workers, a DuckDB shell), sampled from /proc every quarter second; a process that lives shorter
than that may be missed. RSS counts a page every process of the tree shares (the forked analysis
workers share their parent's) once per process; PSS shares it out, so its sum is the memory
the tree holds.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Finished:
    wall: float           # seconds
    status: int           # exit status (-9: killed at the time limit)
    peak_rss: int         # bytes, the process tree's sum at its largest sample
    stdout: str
    message: str          # the last non-empty line of stderr (else stdout): what a failure said
    peak_pss: int = 0     # bytes, the tree's proportional set size at its largest sample

    @property
    def ok(self) -> bool:
        return self.status == 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _pss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) bytes of ``pid`` and all its descendants now, summed."""
    tree, rss, pss, todo = _children(), 0, 0, [pid]
    while todo:
        current = todo.pop()
        try:
            rss += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * _PAGE
            pss += _pss(current)
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(tree.get(current, ()))
    return rss, pss


def run(args: list[str], env: dict[str, str], *, cwd: Path, stdin: str | None = None,
        limit: float = 3600) -> Finished:
    """Run ``args`` to its end (killed after ``limit`` seconds), sampling its tree's RSS."""
    started = time.monotonic()
    process = subprocess.Popen(args, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak, done = [0, 0], threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            rss, pss = tree_memory(process.pid)
            peak[:] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = process.communicate(stdin, timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        out, err = process.communicate()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    lines = [line for line in (err or "").splitlines() + (out or "").splitlines()[-1:] if line.strip()]
    lines = [line for line in (err or "").splitlines() if line.strip()] or lines
    return Finished(wall, process.returncode, peak[0], out or "", lines[-1].strip()[:200] if lines else "", peak[1])
