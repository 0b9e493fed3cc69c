"""Cost of the claims stage and of fact-check matching beside the rest of the pipeline, same texts, one process.

    python benchmarks/bench_claims.py [--data DIR] [--limit 250] [--store-size 100000]

1. Builds a fact-check store of `--store-size` records in a temporary SQLite file: the LIAR train and valid
   statements, plus synthetic variants of them up to the size (numbers changed, clauses of two statements
   joined, words dropped), so that lexical and semantic neighbours are as crowded as in a real store. Prints
   the build rate and the file size.
2. Parses the FakeNewsCorpus sample (the NLP time), runs the stages before `claims` (their time), then the
   claims stage, then matches every claim against the store. Prints articles/s, claim queries/s, and
   (claims + matching) / (NLP + earlier stages): the goal is at most 0.25. Peak RSS included.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, parsed_news_sample, peak_rss_mb, require, run_stages

from newsaudit.stages import DEFAULT_STAGES, resolve
from newsaudit.stages.factchecks import match_claims
from newsaudit.stores.factchecks import FactCheck, FactCheckStore, read_liar

_NUMBER = re.compile(r"\d[\d,.]*")


def synthetic_store(liar: Path, size: int, seed: int = 7):
    """LIAR statements, then variants of them until `size` records."""
    base = [r for split in ("train.tsv", "valid.tsv") for r in read_liar(liar / split) if isinstance(r, FactCheck)]
    yield from base[:size]
    rng = random.Random(seed)
    for number in range(max(size - len(base), 0)):
        first, second = rng.choice(base), rng.choice(base)
        words = first.claim_reviewed.split()
        kind = number % 3
        if kind == 0:
            text = _NUMBER.sub(lambda m: str(rng.randint(2, 5000)), first.claim_reviewed)
            text = text if text != first.claim_reviewed else f"{text} ({rng.randint(1990, 2024)})"
        elif kind == 1:
            half = second.claim_reviewed.split()
            text = " ".join(words[: len(words) // 2] + half[len(half) // 2 :])
        else:
            kept = [w for w in words if rng.random() > 0.25] or words
            text = " ".join(kept)
        yield FactCheck(f"{text} [{number}]", first.verdict, "Synthetic", f"synthetic:{number}", origin="synthetic")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=250)
    parser.add_argument("--store-size", type=int, default=100_000)
    args = parser.parse_args()
    data = data_dir(args.data)
    news = require(data / "fakenewscorpus_sample" / "news_sample.csv")
    liar = require(data / "liar")

    with tempfile.TemporaryDirectory() as folder:
        store_path = Path(folder) / "factchecks.db"
        started = time.perf_counter()
        with FactCheckStore(store_path) as store:
            store.add(synthetic_store(liar, args.store_size))
            stored = len(store)
        build_seconds = time.perf_counter() - started

        articles, docs, nlp_seconds = parsed_news_sample(news, args.limit)

        stages = resolve(DEFAULT_STAGES)
        timings = {stage.name: 0.0 for stage in stages}
        store = FactCheckStore(store_path, read_only=True)
        started = time.perf_counter()
        store.search("warm-up: load the embedding matrix once, as a worker does on its first article")
        load_seconds = time.perf_counter() - started
        matching_seconds, queries = 0.0, 0
        for article, doc in zip(articles, docs, strict=True):
            findings = run_stages(article, doc, stages, timings)
            if findings["claims"]:
                started = time.perf_counter()
                match_claims(findings["claims"], store)
                matching_seconds += time.perf_counter() - started
                queries += len(findings["claims"])
        store.close()
        size_mb = os.path.getsize(store_path) / 1e6

    before = nlp_seconds + sum(seconds for name, seconds in timings.items() if name != "claims")
    n = len(articles)
    emit(
        {
            "articles": n,
            "store_records": stored,
            "store_build_records_per_s": round(stored / build_seconds, 1),
            "store_mb": round(size_mb, 1),
            "store_first_query_load_s": round(load_seconds, 2),
            "nlp_articles_per_s": round(n / nlp_seconds, 2),
            "claims_seconds": round(timings["claims"], 3),
            "claims_per_article": round(queries / n, 2),
            "matching_queries_per_s": round(queries / matching_seconds, 1) if matching_seconds else None,
            "claims_and_matching_over_pipeline": round((timings["claims"] + matching_seconds) / before, 3),
            "claims_over_pipeline": round(timings["claims"] / before, 3),
            **peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
