"""Reading the runs' inputs: a seeds folder, a URL file. Bad input is an InputError (exit 2)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extractors.links import canonical_url
from extractors.seed import parse_seed
from core.errors import InputError
from core.records import Seed


def read_seeds(folder: Path) -> list[Seed]:
    """Every ``*.txt`` seed article in ``folder``, in file-name order."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(f"seeds folder not found: {folder}")
    if not folder.is_dir():
        raise InputError(f"seeds path is not a folder: {folder}")
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    except OSError as exc:
        raise InputError(f"cannot read seeds folder {folder}: {exc.strerror or exc}") from None
    if not files:
        raise InputError(f"no seed files (*.txt) in {folder}")
    seeds = []
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except OSError as exc:
            raise InputError(f"cannot read seed {path}: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"seed {path} is not UTF-8 text (byte {exc.start})") from None
        seeds.append(parse_seed(text, str(path)))
    return seeds


@dataclass(frozen=True, slots=True)
class UrlLine:
    line_number: int
    text: str          # as written in the file
    url: str | None    # canonical form; None when the line is not a usable http(s) URL


def read_url_file(path: Path) -> list[UrlLine]:
    """One URL a line; blank lines and ``#`` comments are skipped; malformed lines are kept (url=None)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"URL file not found: {path}")
    if path.is_dir():
        raise InputError(f"URL file is a folder: {path}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read URL file {path}: {exc.strerror or exc}") from None
    text = raw.decode("utf-8", errors="replace")
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lines.append(UrlLine(number, stripped, canonical_url(stripped)))
    return lines
