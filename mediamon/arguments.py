"""Command-line arguments read as values: dates, the files ``--warc`` names. Bad usage ends in one
line and exit 2 (``mediamon.cli_support.fail``)."""
from __future__ import annotations

import glob
import re
from datetime import date
from pathlib import Path
from typing import Optional

from mediamon.cli_support import fail


def day(flag: str, value: Optional[str]) -> Optional[date]:
    """A YYYY-MM-DD option as a date; anything else is bad usage."""
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    fail(f"{flag} {value!r} is not a date (YYYY-MM-DD)", 2)


# what a folder given to --warc is searched for (compressions mediamon cannot read are named, then reported)
WARC_NAME = re.compile(r"\.w?arc(\.(gz|lz4|zst|zstd|bz2|xz))?$", re.IGNORECASE)


def _in_folder(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file() and WARC_NAME.search(path.name))


def _named_files(argument: Path) -> list[Path]:
    """The files one ``--warc`` argument names; bad usage (exit 2) when it names none."""
    if argument.is_dir():
        files = _in_folder(argument)
        if not files:
            fail(f"no WARC or ARC files in {argument}", 2)
        return files
    if argument.exists():
        if not argument.is_file():
            fail(f"WARC file is not a file: {argument}", 2)
        return [argument]
    if not re.search(r"[*?[]", str(argument)):
        fail(f"WARC file not found: {argument}", 2)
    matches = sorted(Path(match) for match in glob.glob(str(argument), recursive=True))
    files = [file for match in matches for file in (_in_folder(match) if match.is_dir() else [match])]
    if not files:
        fail(f"no WARC file matches {argument}", 2)
    return files


def named_warc_files(arguments: list[Path]) -> list[Path]:
    """The files ``--warc`` names: a file as it is, a folder's WARC and ARC files (its subfolders too),
    a glob pattern's matches (``**`` crosses folders); each file once, in the order named."""
    found: dict[Path, Path] = {}
    for argument in arguments:
        for file in _named_files(argument):
            found.setdefault(file.resolve(), file)
    return list(found.values())
