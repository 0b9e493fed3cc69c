"""Speed of the shipped stance model (`newsaudit.models.stance`) on FNC-1 pairs, bodies featurised beforehand,
one process.

    python benchmarks/bench_stance.py [--data DIR] [--limit 10000] [--repeat 3] [--batch 256]

Loads the shipped model (timed), featurises every FNC-1 training body once (timed: sentences, embeddings,
TF-IDF), then scores the first --limit pairs of `fnc1/train_stances.csv` --repeat times and reports the best
run as pairs/s: headline featurisation, pair features and the tree ensemble, in batches of --batch pairs
(`batched_pairs_per_s`) and one pair at a time (`single_pairs_per_s`, on a tenth of the pairs), with peak RSS.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--batch", type=int, default=256)
    args = parser.parse_args()
    folder = require(data_dir(args.data) / "fnc1")
    from newsaudit.evaluation.stance import read_bodies, read_stances

    bodies = read_bodies(folder / "train_bodies.csv")
    pairs = read_stances(folder / "train_stances.csv")[: args.limit]

    started = time.perf_counter()
    from newsaudit.models.stance import StanceModel

    model = StanceModel.default()
    model.featurize_headlines(["warm-up"])  # loads the embedder
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    body_ids = sorted({pair.body_id for pair in pairs})
    featurised = dict(zip(body_ids, model.featurize_bodies([bodies[b] for b in body_ids]), strict=True))
    body_seconds = time.perf_counter() - started

    def score(chunk) -> list[str]:
        heads = model.featurize_headlines([pair.headline for pair in chunk])
        return model.decide(model.probabilities(heads, [featurised[pair.body_id] for pair in chunk]))

    best = float("inf")
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        for start in range(0, len(pairs), args.batch):
            score(pairs[start : start + args.batch])
        best = min(best, time.perf_counter() - started)
    single = pairs[: max(len(pairs) // 10, 1)]
    started = time.perf_counter()
    for pair in single:
        score([pair])
    single_seconds = time.perf_counter() - started
    n = len(pairs)
    emit(
        {
            "pairs": n,
            "bodies": len(body_ids),
            "load_s": round(load_seconds, 3),
            "bodies_s": round(body_seconds, 3),
            "bodies_per_s": round(len(body_ids) / body_seconds, 1),
            "score_s": round(best, 3),
            "batched_pairs_per_s": round(n / best),
            "single_pairs_per_s": round(len(single) / single_seconds),
            "batch": args.batch,
            **peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
