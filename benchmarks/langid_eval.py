"""Language identification: langdetect alone vs mediamon's decision (langdetect + py3langid + page hint).

    python -m benchmarks.langid_eval                  # everything, sampled (about 30 s)
    python -m benchmarks.langid_eval --per-language 1000 --show-errors 5

Labelled text:
- ../shared/corpus/langid (third-party labels): lingua-py's test sentences (az, tr, ru, uk, kk, en, de,
  fr), UD Kyrgyz-KTMU sentences (ky), UDHR paragraphs (also Cyrillic Azerbaijani, labelled az), and
  lingua's single words and word pairs (short input: how often each answer is ``und``);
- ../shared/corpus/news-tr-ru-uk: real news pages, extracted by the pipeline, with their declared language;
- benchmarks/data/langid_news.tsv: news-style paragraphs written for this project (az tr ru uk ky kk en).

"langdetect alone" is the previous behaviour: seeded langdetect on the same sample, ``und`` under 20
letters. Accuracy counts ``und`` as not right; ``und`` and ``wrong`` are shares of all items.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import os
import sys
import time
from collections import Counter
from pathlib import Path

from extractors.language import detect_language
from core.records import Language

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MEDIAMON_SHARED", ROOT.parent / "shared"))
LANGID = SHARED / "corpus" / "langid"
NEWS = SHARED / "corpus" / "news-tr-ru-uk"
OWN = ROOT / "benchmarks" / "data" / "langid_news.tsv"

Item = tuple[str, str, str | None, str]  # (true language, text, declared language, row of the tables)


def _spread(lines: list[str], n: int) -> list[str]:
    """``n`` lines spread evenly over the file (deterministic), all of them when fewer."""
    if len(lines) <= n:
        return lines
    step = len(lines) / n
    return [lines[int(i * step)] for i in range(n)]


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def corpus_set(folder: Path, per_language: int, min_letters: int = 0) -> list[Item]:
    items = []
    for path in sorted(folder.glob("*.txt")):
        language = path.stem.split("_")[0]  # az_cyrl: Azerbaijani in Cyrillic script, its own row
        lines = [line for line in _lines(path) if sum(ch.isalpha() for ch in line) >= min_letters]
        items += [(language, line, None, path.stem.replace("_", "-")) for line in _spread(lines, per_language)]
    return items


def own_paragraphs() -> list[Item]:
    with OWN.open(encoding="utf-8", newline="") as f:
        return [(row["language"], row["text"], None, row["language"]) for row in csv.DictReader(f, delimiter="\t")]


def news_pages() -> list[Item]:
    """Real news pages: the pipeline's extraction and the page's declaration, labelled by the manifest."""
    from extractors.article import extract_article
    from extractors.page_language import declared_language

    items = []
    with (NEWS / "manifest.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not row["file"].endswith((".html", ".html.gz")):
                continue
            body = (NEWS / row["file"]).read_bytes()
            if row["file"].endswith(".gz"):
                body = gzip.decompress(body)
            article = extract_article(body, row.get("original_url"))
            if article is not None:
                items.append((row["language"], article.text, declared_language(body), row["language"]))
    return items


def langdetect_alone(language: Language) -> str:
    return "und" if language.method == "too_short" or language.langdetect_code is None else language.langdetect_code


def evaluate(name: str, items: list[Item], show_errors: int = 0) -> dict[str, float]:
    started = time.monotonic()
    results = [(truth, detect_language(text, 3000, declared), text, row) for truth, text, declared, row in items]
    seconds = time.monotonic() - started
    print(f"\n## {name}: {len(items)} items, {seconds:.1f} s\n")
    systems = {"langdetect alone": lambda r: langdetect_alone(r), "combined": lambda r: r.code}
    languages = sorted({truth for truth, _, _, _ in results})
    groups = sorted({row for _, _, _, row in results})
    print("| language | n | langdetect alone: right | und | combined: right | und | wrong |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    totals = Counter()
    for language in groups + ["all"]:
        rows = [(t, r) for t, r, _, g in results if language in (g, "all")]
        old = [systems["langdetect alone"](r) for _, r in rows]
        new = [r.code for _, r in rows]
        truths = [t for t, _ in rows]
        right_old = sum(o == t for o, t in zip(old, truths)) / len(rows)
        right_new = sum(c == t for c, t in zip(new, truths)) / len(rows)
        und_old, und_new = old.count("und") / len(rows), new.count("und") / len(rows)
        wrong_new = sum(c not in (t, "und") for c, t in zip(new, truths)) / len(rows)
        label = f"**{language}**" if language == "all" else language
        print(f"| {label} | {len(rows)} | {right_old:.3f} | {und_old:.3f} | {right_new:.3f} | {und_new:.3f} | "
              f"{wrong_new:.3f} |")
        totals = Counter(right_old=right_old, right_new=right_new, und_new=und_new, wrong_new=wrong_new)
    for system, label_of in systems.items():
        _confusion(system, [(g, label_of(r)) for _, r, _, g in results], groups, languages)
    methods = Counter(r.method for _, r, _, _ in results)
    print("\ncombined, deciding rule: " + ", ".join(f"{m} {c}" for m, c in methods.most_common()))
    if show_errors:
        wrong = [(t, r, text) for t, r, text, _ in results if r.code not in (t, "und")]
        for truth, r, text in wrong[:show_errors]:
            print(f"  wrong: {truth} -> {r.code} ({r.method}, {r.score}; langdetect {r.langdetect_code} "
                  f"{r.langdetect_score}, langid {r.langid_code} {r.langid_score}, declared {r.declared}): "
                  f"{text[:90]!r}")
    return dict(totals)


def mixed_texts(items: list[Item]) -> None:
    """Two of our paragraphs in different languages (1:1), and three in one plus one in another (3:1)."""
    by_language: dict[str, list[str]] = {}
    for language, text, _, _ in items:
        by_language.setdefault(language, []).append(text)
    languages = sorted(by_language)
    pairs = [(a, b) for a in languages for b in languages if a != b]
    print(f"\n## mixed text, built from benchmarks/data/langid_news.tsv: {len(pairs)} language pairs\n")
    print("| mix | texts | und | majority language | other label | labels with score >= 0.9 | median score of labels |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for mix, build in (("1:1 (expect und)", lambda a, b: [by_language[a][0], by_language[b][1]]),
                       ("3:1 (expect the 3)", lambda a, b: by_language[a][:3] + [by_language[b][4]])):
        results = [(a, detect_language("\n".join(build(a, b)))) for a, b in pairs]
        labelled = sorted(r.score for _, r in results if r.code != "und")
        und = sum(r.code == "und" for _, r in results)
        major = sum(r.code == a for a, r in results)
        confident = sum(r.score >= 0.9 for _, r in results if r.code != "und")
        median = f"{labelled[len(labelled) // 2]:.2f}" if labelled else "-"
        print(f"| {mix} | {len(results)} | {und} | {major} | {len(results) - und - major} | {confident} | {median} |")


def _confusion(system: str, pairs: list[tuple[str, str]], groups: list[str], languages: list[str]) -> None:
    predicted = Counter(p for _, p in pairs)
    columns = [c for c in languages if c in predicted] + ["und"]
    columns += [c for c, _ in predicted.most_common() if c not in columns][: max(0, 12 - len(columns))]
    print(f"\nconfusion, {system} (rows: truth; columns: answer; `other`: any other answer)\n")
    print("| truth \\ answer | " + " | ".join(columns) + " | other |")
    print("|---|" + "---:|" * (len(columns) + 1))
    for truth in groups:
        row = Counter(p for t, p in pairs if t == truth)
        cells = [str(row.get(c, 0)) for c in columns]
        print(f"| {truth} | " + " | ".join(cells) + f" | {sum(row.values()) - sum(row.get(c, 0) for c in columns)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=300, help="sentences sampled per language (default 300)")
    parser.add_argument("--short-per-language", type=int, default=200, help="single words / word pairs per language")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many wrong answers per set")
    args = parser.parse_args(argv)
    print("command: python -m benchmarks.langid_eval " + " ".join(argv if argv is not None else sys.argv[1:]))
    own = own_paragraphs()
    evaluate("own news-style paragraphs (benchmarks/data/langid_news.tsv)", own, args.show_errors)
    mixed_texts(own)
    if not LANGID.is_dir():
        print(f"\nskipped the third-party sets: {LANGID} is absent (the shared corpus beside the checkout)")
        return 0
    evaluate(f"sentences ({LANGID}/*.txt: lingua-py; ky: UD Kyrgyz-KTMU)",
             corpus_set(LANGID, args.per_language), args.show_errors)
    evaluate("UDHR paragraphs of 20 letters or more (headings left out; az includes Cyrillic-script az_cyrl)",
             corpus_set(LANGID / "udhr", 10_000, min_letters=20), args.show_errors)
    if NEWS.is_dir():
        evaluate("real news pages (news-tr-ru-uk), extracted, with the page's declared language", news_pages(),
                 args.show_errors)
    evaluate("lingua word pairs (short input)", corpus_set(LANGID / "lingua_word_pairs", args.short_per_language))
    evaluate("lingua single words (short input)", corpus_set(LANGID / "lingua_single_words", args.short_per_language))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
