"""Where profile samples went: py-spy raw (collapsed) stacks classified by the innermost library frame."""
from __future__ import annotations

import re
from collections import Counter

# the first matching frame, walking from the innermost outwards, decides the category
CATEGORIES = (
    ("extraction", ("trafilatura", "lxml", "htmldate", "justext", "courlan", "charset_normalizer",
                    "extractors/article.py", "extractors/decode.py")),
    ("language", ("langdetect", "py3langid", "extractors/language", "extractors/alphabets", "extractors/page_language")),
    ("fingerprint", ("datasketch", "extractors/fingerprint", "extractors/crosslingual", "anyascii", "numpy")),
    ("database", ("duckdb", "pyarrow", "warehouse/")),
    ("fetch", ("requests", "urllib3", "flows/http/", "http/client.py", "socket.py", "ssl.py")),
    ("orchestration", ("prefect", "httpx", "httpcore", "anyio", "pydantic", "sqlalchemy", "aiosqlite", "uvicorn",
                       "starlette", "fastapi", "cloudpickle", "opentelemetry")),
    ("pipeline", ("flows/", "mediamon/")),
    ("process pool", ("concurrent/futures/process.py", "multiprocessing")),
    ("imports", ("<frozen importlib",)),
)
_FRAME = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")
# a thread blocked in one of these is waiting, not working (py-spy's own idle test misses some)
_IDLE_LEAVES = re.compile(r"^(select|poll|wait|_wait_for_tstate_lock|acquire|sleep|get|_worker|heartbeat_loop|"
                          r"accept|epoll|_recv|recv_bytes|recv_into|readinto)\b|\.(select|wait|get|sleep)\b")


def classify_stack(frames: list[str]) -> str:
    if frames and frames[0].startswith("process "):  # py-spy --subprocesses: the process, not a frame
        frames = frames[1:]
    if not frames:
        return "other"
    leaf = frames[-1].split(" (")[0] if frames else ""
    if _IDLE_LEAVES.search(leaf.split(".")[-1]) or _IDLE_LEAVES.search(leaf):
        return "idle (waiting)"
    for frame in reversed(frames):
        match = _FRAME.match(frame)
        where = match.group(2) if match else frame
        for category, needles in CATEGORIES:
            if any(needle in where for needle in needles):
                return category
    return "other"


def classify_raw_profile(raw: str) -> Counter:
    """Samples per category from py-spy ``--format raw`` output (``frame;frame;... count`` lines)."""
    shares: Counter = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        shares[classify_stack(stack.split(";"))] += int(count)
    return shares


def top_frames(raw: str, n: int = 15) -> list[tuple[str, int]]:
    """The innermost project-or-library frames with the most samples (a flat profile)."""
    counts: Counter = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[stack.split(";")[-1]] += int(count)
    return counts.most_common(n)
