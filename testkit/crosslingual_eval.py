"""Cross-lingual candidates measured: precision and recall of the warehouse's ``cross_lingual`` pairs.

Two kinds of input, ingested together into one warehouse (as a backfill would):

- the shared corpus's real pages (181 article-extraction-benchmark pages and 31 tr/ru/uk news
  pages): no page there renders another in a different language, so every candidate among them
  is false;
- this repository's own texts (tests/data/dedupe): the seeds, their translations (tuning/,
  heldout/), translations and look-alike pairs in other languages (pairs/pairs.tsv), same-topic
  articles and English pages. Two texts are one text when they render the same original.

Shared pages go through the pipeline's own extraction and language detection; the repository's
texts are plain text with their language in their file name.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from core.records import Article, FetchResult, Language, Outcome, Page
from extractors.article import extract_article
from extractors.fingerprint import fingerprint
from extractors.language import detect_language
from extractors.page_language import declared_language
from extractors.seed import parse_seed
from testkit.corpus import ROOT, load_aeb
from warehouse import Warehouse
from warehouse.store import doc_id_for

DEDUPE = ROOT / "tests" / "data" / "dedupe"
SEEDS = ROOT / "seeds"
ORIGINAL_OF = {"statement": "seed/001", "madagiz": "seed/003", "appeal": "seed/000"}  # tuning/, heldout/
BATCH = 50


@dataclass(frozen=True, slots=True)
class Text:
    name: str        # 'aeb/<id>', 'news/<file>', 'seed/000', 'heldout/appeal_ru', 'pairs/ferry_en', ...
    language: str
    text: str
    original: str = ""   # the name of the text this one renders in another language ('' for an original)

    @property
    def root(self) -> str:
        return self.original or self.name


@dataclass(frozen=True, slots=True)
class Candidate:
    later: str
    earlier: str
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    shared_pages: int
    shared_candidates: list[Candidate]            # both sides shared pages: all false
    candidates: list[Candidate]                   # at least one side a repository text
    expected: dict[str, set[frozenset[str]]]      # per folder: each translation with its original
    same: set[frozenset[str]]                     # every pair of texts that render one original
    look_alikes: list[tuple[str, str, str]]       # pairs.tsv pairs that are not translations

    def found(self, folder: str) -> set[frozenset[str]]:
        return self.expected[folder] & {frozenset((c.later, c.earlier)) for c in self.candidates}

    def in_folder(self, folder: str) -> list[Candidate]:
        return [c for c in self.candidates if f"{folder}/" in (c.later[: len(folder) + 1], c.earlier[: len(folder) + 1])]

    def true(self, candidates: list[Candidate]) -> list[Candidate]:
        return [c for c in candidates if frozenset((c.later, c.earlier)) in self.same]


def shared_texts(shared: Path) -> list[Text]:
    """The shared corpus's 181 benchmark pages and 31 news pages, extracted and labelled as the pipeline does."""
    pages = [(f"aeb/{key}", page["html"], page["url"]) for key, page in load_aeb().items()]
    news = shared / "corpus" / "news-tr-ru-uk"
    with open(news / "manifest.tsv", encoding="utf-8") as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            if row["file"].endswith((".html", ".html.gz")):
                body = (news / row["file"]).read_bytes()
                pages.append((f"news/{row['file']}", gzip.decompress(body) if row["file"].endswith(".gz") else body,
                              row["original_url"]))
    texts = []
    for name, body, url in pages:
        article = extract_article(body, url)
        if article is not None:
            language = detect_language(article.text, 1500, declared_language(body))
            texts.append(Text(name, language.code, article.text))
    return texts


def project_texts() -> list[Text]:
    """The seeds and every text under tests/data/dedupe, each with the original it renders."""
    texts = [Text(f"seed/{p.name[:3]}", "en", p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    with open(DEDUPE / "pairs" / "pairs.tsv", encoding="utf-8") as listing:
        rows = list(csv.DictReader(listing, delimiter="\t"))
    renders = {f"pairs/{r['right']}": f"pairs/{r['left']}" for r in rows if r["relation"] == "translation"}
    for folder in ("tuning", "heldout", "pairs", "english"):
        for path in sorted((DEDUPE / folder).glob("*.txt")):
            name = f"{folder}/{path.stem}"
            language = "en" if folder == "english" else path.stem.rsplit("_", 1)[1]
            original = renders.get(name, "") if folder == "pairs" else ORIGINAL_OF.get(path.stem.split("_")[0], "")
            texts.append(Text(name, language, path.read_text("utf-8"), original))
    return texts


def look_alike_pairs() -> list[tuple[str, str, str]]:
    with open(DEDUPE / "pairs" / "pairs.tsv", encoding="utf-8") as listing:
        return [(f"pairs/{r['left']}", f"pairs/{r['right']}", r["relation"])
                for r in csv.DictReader(listing, delimiter="\t") if r["relation"] != "translation"]


def _page(text: Text) -> Page:
    url = f"http://corpus.test/{text.name}"
    fetch = FetchResult(url=url, attempted_at=datetime.now(timezone.utc), outcome=Outcome.OK, http_status=200,
                        final_url=url, body=b"", bytes=len(text.text))
    return Page(fetch, Article(text.text, None, None, None, None, "plain text"), Language(text.language, 1.0, "label"),
                fingerprint(text.text), hashlib.sha256(text.text.encode("utf-8")).hexdigest())


def ingest(texts: list[Text], folder: Path, seed: int = 0) -> list[Candidate]:
    """Store the seeds, then every other text in shuffled batches; return the cross-lingual candidates."""
    seeds = [t for t in texts if t.name.startswith("seed/")]
    others = [t for t in texts if not t.name.startswith("seed/")]
    random.Random(seed).shuffle(others)
    name_of = {doc_id_for(f"http://corpus.test/{t.name}"): t.name for t in others}
    with Warehouse.open(folder / "crosslingual.duckdb") as warehouse:
        run = warehouse.start_run("crosslingual-eval")
        parsed = [(parse_seed(t.text, f"{t.name}.txt"), t) for t in seeds]
        warehouse.store_seeds([(s, Language(t.language, 1.0, "label"), fingerprint(t.text)) for s, t in parsed], run)
        name_of.update({s.seed_id: t.name for s, t in parsed})
        for start in range(0, len(others), BATCH):
            warehouse.commit_batch([_page(t) for t in others[start : start + BATCH]], run)
        rows = warehouse.con.execute(
            "SELECT doc_id, duplicate_of, score, evidence FROM cross_lingual_pairs ORDER BY 1, 2").fetchall()
    return [Candidate(name_of[a], name_of[b], score, evidence) for a, b, score, evidence in rows]


def evaluate(shared: list[Text], project: list[Text], seed: int = 0) -> Evaluation:
    """Ingest both sets together and sort the candidates: see ``Evaluation``."""
    with tempfile.TemporaryDirectory(prefix="mediamon-crosslingual-") as folder:
        candidates = ingest(shared + project, Path(folder), seed)
    repository = {t.name for t in project}
    by_root: dict[str, list[str]] = defaultdict(list)
    for text in project:
        by_root[text.root].append(text.name)
    expected: dict[str, set[frozenset[str]]] = defaultdict(set)
    for text in project:
        if text.original:
            expected[text.name.split("/")[0]].add(frozenset((text.name, text.original)))
    same = {frozenset((a, b)) for names in by_root.values() for a in names for b in names if a != b}
    return Evaluation(len(shared), [c for c in candidates if not {c.later, c.earlier} & repository],
                      [c for c in candidates if {c.later, c.earlier} & repository], dict(expected), same,
                      look_alike_pairs())
