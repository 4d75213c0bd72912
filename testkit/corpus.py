"""The shared corpus the benchmarks read in place (../shared beside the checkout, or $MEDIAMON_SHARED)."""
from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def aeb_dir() -> Path:
    return Path(os.environ.get("MEDIAMON_SHARED", ROOT.parent / "shared")) / "corpus" / "aeb"


def aeb_available() -> bool:
    return (aeb_dir() / "ground-truth.json").exists()


def load_aeb() -> dict[str, dict]:
    """The 181 benchmark pages: id -> {articleBody, url, html (bytes)}, in id order."""
    aeb = aeb_dir()
    truth = json.loads((aeb / "ground-truth.json").read_text("utf-8"))
    return {k: {**truth[k], "html": gzip.decompress((aeb / "html" / f"{k}.html.gz").read_bytes())}
            for k in sorted(truth)}


def aeb_html_or_say_why() -> dict[str, bytes] | None:
    """The benchmark pages' HTML by id, for a benchmark; None (having said why on stderr) without them."""
    if not aeb_available():
        import sys
        print(f"needs the benchmark pages at {aeb_dir()}", file=sys.stderr)
        return None
    return {key: page["html"] for key, page in load_aeb().items()}
