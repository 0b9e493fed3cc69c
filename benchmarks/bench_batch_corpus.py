"""`newsaudit batch --corpus` beside `newsaudit corpus add` + `newsaudit audit --corpus` on the same crawl over
the same 10,000-article index: the reuse findings must be the same, article for article.

    python benchmarks/bench_batch_corpus.py                 # 10,000+ indexed articles, a crawl of 300
    python benchmarks/bench_batch_corpus.py --crawl 100 --total 10000

The index is `evaluation.reuse.build` (real texts from ../shared/data, derived copies with edits, filler
articles). The crawl holds derived copies (not in the index) and some of their origins (already in it). Path
A adds the crawl to one copy of the index with `Corpus.add` (as `corpus add` does) and audits it with that
corpus (as `audit --corpus` does); path B runs `run_batch` with the other copy. Prints one JSON line per
path (seconds, articles/s) and a comparison line: articles compared, those whose reuse findings (ids,
shares, passages, credit) and copying signals (name, value, evidence; not their credibility weight, which the
corpus-wide phase does not recompute) are identical, and the ids that differ.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, require

COPYING = ("uncredited_copying", "mostly_copied_with_credit")


def _copying(signals: list[dict]) -> list[tuple]:
    """What a copying signal finds (its name, value and evidence); its weight comes from the credibility model,
    which the corpus-wide phase does not rerun."""
    return [(s["name"], s["value"], json.dumps(s["evidence"], sort_keys=True)) for s in signals]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--total", type=int, default=10_400, help="articles in the index (default 10,400)")
    parser.add_argument("--crawl", type=int, default=300, help="articles in the crawl (default 300)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--show", action="store_true", help="print the first article whose findings differ")
    args = parser.parse_args()

    from newsaudit import Auditor, read
    from newsaudit.batch import run_batch
    from newsaudit.evaluation.reuse import build
    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import ReadFailure
    from newsaudit.settings import Settings
    from newsaudit.stores.corpus import Corpus

    root = require(data_dir(args.data))
    corpus = build(root, n_copies=args.crawl, total=args.total)
    rng = random.Random(7)
    origins = {copy.origin for copy in corpus.copies}
    copied = [article for article in corpus.originals if article.id in origins][: args.crawl // 4]
    crawl = [copy.article for copy in corpus.copies] + copied
    rng.shuffle(crawl)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        base = folder / "index.db"
        started = time.perf_counter()
        with Corpus(base) as store:
            store.add([*corpus.originals, *corpus.distractors], workers=args.workers, bulk=True)
            indexed = len(store)
        emit({"index": indexed, "build_s": round(time.perf_counter() - started, 1)})
        feed = folder / "crawl.jsonl"
        feed.write_text("".join(json.dumps({"id": a.id, "text": a.text}) + "\n" for a in crawl), encoding="utf-8")
        for name in ("a.db", "b.db"):
            shutil.copy(base, folder / name)

        started = time.perf_counter()
        settings = Settings(corpus=str(folder / "a.db"), workers=args.workers)
        with Corpus(folder / "a.db") as store:
            extracted = (extract_article(item) for item in read([feed]) if not isinstance(item, ReadFailure))
            store.add([article for article in extracted if article.text.strip()])
        by_audit = {}
        for audit in Auditor(settings).audit_many(read([feed])):
            data = audit.to_dict()
            by_audit[audit.article.id] = (data["reuse"], _copying([s for s in data["signals"] if s["name"] in COPYING]))
        seconds = time.perf_counter() - started
        emit({"path": "corpus add + audit --corpus", "articles": len(by_audit), "seconds": round(seconds, 1),
              "articles_per_s": round(len(by_audit) / seconds, 2)})  # fmt: skip

        started = time.perf_counter()
        result = run_batch([feed], folder / "out", settings=Settings(corpus=str(folder / "b.db")), workers=args.workers)
        seconds = time.perf_counter() - started
        import pyarrow.parquet as pq

        by_batch = {}
        for row in pq.read_table(folder / "out" / "reuse").to_pylist():
            found = json.loads(row["reuse_json"])
            by_batch[row["id"]] = (found["reuse"], _copying(found["signals"]))
        emit({"path": "batch --corpus", "articles": result.articles, "indexed": result.indexed,
              "seconds": round(seconds, 1), "articles_per_s": round(result.articles / seconds, 2)})  # fmt: skip
        with Corpus(folder / "a.db") as a, Corpus(folder / "b.db") as b:
            sizes = (len(a), len(b))

    differ = sorted(i for i in by_audit if by_audit[i] != by_batch.get(i))
    if differ and args.show:
        first = differ[0]
        print(json.dumps({"id": first, "audit": by_audit[first], "batch": by_batch.get(first)})[:3000])
    with_reuse = sum(bool(reuse) for reuse, _ in by_audit.values())
    emit({"compared": len(by_audit), "with_reuse": with_reuse, "identical": len(by_audit) - len(differ),
          "differ": differ[:20], "index_sizes_after": sizes})  # fmt: skip


if __name__ == "__main__":
    main()
