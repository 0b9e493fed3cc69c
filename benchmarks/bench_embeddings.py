"""Speed of the shipped sentence embeddings (`newsaudit.models.embeddings`) on short claims, one process.

    python benchmarks/bench_embeddings.py [--data DIR] [--limit 10000] [--repeat 3]

Loads the shipped model (timed, including the `tokenizers` import: the first `Embedder.default()` of a
process), then encodes the first --limit LIAR train statements (column 3 of `liar/train.tsv`) --repeat times and
reports the best run as sentences/s, with peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = require(data_dir(args.data) / "liar" / "train.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        statements = [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) > 2]
    statements = statements[: args.limit]

    started = time.perf_counter()
    from newsaudit.models.embeddings import Embedder

    embedder = Embedder.default()
    load_seconds = time.perf_counter() - started
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        vectors = embedder.encode(statements)
        best = min(best, time.perf_counter() - started)
    n = len(statements)
    emit(
        {
            "sentences": n,
            "dim": embedder.dim,
            "load_s": round(load_seconds, 3),
            "encode_s": round(best, 3),
            "sentences_per_s": round(n / best),
            "mean_chars": round(sum(map(len, statements)) / max(n, 1), 1),
            "zero_rows": int((abs(vectors).sum(axis=1) == 0).sum()),
            **peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
