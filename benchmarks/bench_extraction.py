"""Extraction quality and speed: newsaudit's HTML path (trafilatura + chrome removal) beside plain trafilatura,
on the article-extraction benchmark pages, in the same run.

    python benchmarks/bench_extraction.py [--data DIR]

Prints one JSON line per extractor: F1/precision/recall over 4-token shingles (the benchmark's metric),
pages/s, and peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

from newsaudit.evaluation.extraction import (
    load_benchmark,
    newsaudit_extractor,
    score_page,
    summarise,
    trafilatura_extractor,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    args = parser.parse_args()
    root = require(data_dir(args.data) / "article_extraction_benchmark")
    pages = load_benchmark(root / "html", root / "ground-truth.json")
    for name, extractor in (("trafilatura", trafilatura_extractor), ("newsaudit", newsaudit_extractor)):
        extractor(pages[0][1], pages[0][2])  # warm-up: imports and lazy setup stay out of the timing
        started = time.perf_counter()
        predictions = [extractor(html, url) for _, html, url, _ in pages]
        elapsed = time.perf_counter() - started
        golds = [gold for *_, gold in pages]
        scores = summarise(score_page(predicted, gold) for predicted, gold in zip(predictions, golds, strict=True))
        emit({"extractor": name, **scores, "pages_per_s": round(len(pages) / elapsed, 1), **peak_rss_mb()})


if __name__ == "__main__":
    main()
