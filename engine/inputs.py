"""Reading the runs' inputs: a seeds folder, a URL file. Bad input is an InputError (exit 2).

Seeds folder: every ``*.txt`` file (not a hidden one) is one seed article, UTF-8 text (a byte-order
mark is dropped). A file that cannot be used (unreadable, not UTF-8 text, no words) is skipped with a
warning and counted; the other seeds run. A folder with no usable seed is refused.

URL file: one URL a line, UTF-8 text; blank lines and ``#`` comments are skipped; a line that is not
an http(s) URL is kept (recorded as ``invalid_url``), once however often it is repeated. A file that
is not text, or with a line over 8 KB, is refused whole: it is not a list of URLs.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from extractors.links import canonical_url
from extractors.seed import parse_seed
from core.errors import InputError
from core.records import Seed

log = logging.getLogger("mediamon")

MAX_URL_LINE_BYTES = 8 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotText(ValueError):
    """Bytes that are not UTF-8 text; the message says why, in a few words."""


def utf8_text(raw: bytes) -> str:
    """``raw`` as UTF-8 text without its byte-order mark; NotText for binary data, UTF-16 or another encoding."""
    if raw.startswith(_UTF16_BOMS):
        raise NotText("UTF-16 text: save it as UTF-8")
    if b"\x00" in raw:
        raise NotText(f"not text (a NUL byte at offset {raw.index(0)})")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise NotText(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}): save it as UTF-8") from None


@dataclass(frozen=True, slots=True)
class SkippedSeed:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"skipped seed {self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SeedFolder:
    """The seeds of a folder, and the files skipped, each with why."""

    seeds: tuple[Seed, ...]
    skipped: tuple[SkippedSeed, ...] = ()


def seed_files(folder: Path) -> list[Path]:
    """The ``*.txt`` entries of ``folder`` that are not folders or hidden files, in name order."""
    folder = Path(folder)
    if not folder.exists():
        raise InputError(f"seeds folder not found: {folder}")
    if not folder.is_dir():
        raise InputError(f"seeds path is not a folder: {folder}")
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".txt" and not p.name.startswith(".") and not p.is_dir())
    except OSError as exc:
        raise InputError(f"cannot read seeds folder {folder}: {exc.strerror or exc}") from None


def read_seed_file(path: Path) -> Seed:
    """One seed article; NotText or OSError (with a reason) when the file cannot be a seed."""
    if path.exists() and not path.is_file():
        raise NotText("not a regular file")
    text = utf8_text(path.read_bytes())
    if not any(character.isalnum() for character in text):
        raise NotText("empty (no words)")
    return parse_seed(text, str(path))


def read_seed_folder(folder: Path) -> SeedFolder:
    """Every usable seed of ``folder``, and the files skipped; InputError when no file is usable."""
    files = seed_files(folder)
    if not files:
        raise InputError(f"no seed files (*.txt) in {folder}")
    seeds, skipped = [], []
    for path in files:
        try:
            seeds.append(read_seed_file(path))
        except NotText as exc:
            skipped.append(SkippedSeed(path, str(exc)))
        except OSError as exc:
            skipped.append(SkippedSeed(path, f"cannot read it: {exc.strerror or exc}"))
    if not seeds:
        reasons = "; ".join(f"{s.path.name}: {s.reason}" for s in skipped[:3])
        more = f"; {len(skipped) - 3} more" if len(skipped) > 3 else ""
        raise InputError(f"no usable seed file in {folder} ({reasons}{more})")
    return SeedFolder(tuple(seeds), tuple(skipped))


def read_seeds(folder: Path) -> list[Seed]:
    """The usable seeds of ``folder``, in file-name order; each file skipped is a warning in the log."""
    found = read_seed_folder(folder)
    for skipped in found.skipped:
        log.warning("%s", skipped)
    return list(found.seeds)


@dataclass(frozen=True, slots=True)
class UrlLine:
    line_number: int
    text: str          # as written in the file
    url: str | None    # canonical form; None when the line is not a usable http(s) URL


def read_url_file(path: Path) -> list[UrlLine]:
    """The URL lines of ``path`` (see the module's docstring); InputError when it is not a list of URLs."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"URL file not found: {path}")
    if path.is_dir():
        raise InputError(f"URL file is a folder: {path}")
    try:
        text = utf8_text(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read URL file {path}: {exc.strerror or exc}") from None
    except NotText as exc:
        raise InputError(f"URL file {path} is {exc}") from None
    lines, invalid_seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        size = len(line) if len(line) * 4 <= MAX_URL_LINE_BYTES else len(line.encode("utf-8"))
        if size > MAX_URL_LINE_BYTES:
            raise InputError(f"URL file {path} line {number} is {size:,} bytes long, over the "
                             f"{MAX_URL_LINE_BYTES // 1024} KB a URL line may have: is it a list of URLs?")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        url = canonical_url(stripped)
        if url is None:
            if stripped in invalid_seen:
                continue
            invalid_seen.add(stripped)
        lines.append(UrlLine(number, stripped, url))
    return lines
