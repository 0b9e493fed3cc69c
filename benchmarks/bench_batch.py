"""`newsaudit batch` on a Dask LocalCluster beside today's local worker pool (`newsaudit audit --workers N`),
over the same articles, each variant in a fresh process with the same cores.

    python benchmarks/bench_batch.py                    # 2,000 articles: FNC-1 bodies, FakeNewsCorpus, FA-KES
    python benchmarks/bench_batch.py --limit 400 --workers 2

Prints one JSON line per measurement:
- `pool`: `Auditor(workers=N).audit_many` over the articles, every audit serialised to JSON (the reference);
- `batch` with N workers (alternating with `pool`, `--repeat` pairs) and with 1: `run_batch` into a fresh
  folder of Parquet part files, cluster start-up and model loading included, with each worker's peak RSS.
  The pool's workers are forked from a process that has the spaCy pipeline loaded; Dask's are spawned and
  load their own (some seconds each), so `steady_articles_per_s` (from the first result on) is given too;
- `task_overhead`: the round trip of an empty task on a running LocalCluster (what every shard pays);
then a ratio line (`batch_over_pool_rate`; the floor is 0.9) and a projection for a million articles a day.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

SOURCES = (
    # (path under the data dir, text column, id column or None)
    ("fnc1/train_bodies.csv", "articleBody", "Body ID"),
    ("fakenewscorpus_sample/news_sample.csv", "content", "id"),
    ("fakes/FA-KES-Dataset.csv", "article_content", "unit_id"),
)
DAY = 24 * 3600


def _articles(root: Path, limit: int, out: Path) -> int:
    """The first `limit` non-empty bodies of the sources as one JSONL file (`id`, `text`); how many."""
    csv.field_size_limit(1 << 30)
    kept = 0
    with out.open("w", encoding="utf-8") as target:
        for relative, column, id_column in SOURCES:
            with require(root / relative).open(encoding="utf-8", errors="replace", newline="") as handle:
                for row in csv.DictReader(handle):
                    if kept >= limit:
                        return kept
                    if row[column].strip():
                        record = {"id": f"{Path(relative).parent.name}-{row[id_column]}", "text": row[column]}
                        target.write(json.dumps(record) + "\n")
                        kept += 1
    return kept


def run_pool(path: Path, workers: int, shard_size: int) -> dict:
    from newsaudit import Auditor, read

    auditor = Auditor(workers=workers)
    auditor.nlp  # noqa: B018  # loaded outside the timed part; the pool's workers load theirs inside it
    started = time.perf_counter()
    n_docs = failed = 0
    first = None
    for audit in auditor.audit_many(read([path])):
        json.dumps(audit.to_dict())
        n_docs += 1
        failed += audit.failed
        first = first or time.perf_counter()
    elapsed = time.perf_counter() - started
    steady = (n_docs - 1) / (started + elapsed - first) if first and n_docs > 1 else 0.0
    return {"variant": "pool", "workers": workers, "articles": n_docs, "failed": failed,
            "seconds": round(elapsed, 2), "articles_per_s": round(n_docs / elapsed, 2),
            "steady_articles_per_s": round(steady, 2), **peak_rss_mb()}  # fmt: skip


def run_batch_variant(path: Path, workers: int, shard_size: int) -> dict:
    from newsaudit.batch import run_batch

    marks: dict[str, float] = {}
    firsts: list[int] = []

    def progressed(count: int) -> None:
        if "first" not in marks:
            marks["first"] = time.perf_counter()
            firsts.append(count)

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = run_batch(
            [path], out, workers=workers, shard_size=shard_size,
            on_cluster=lambda client: marks.setdefault("cluster", time.perf_counter()), on_progress=progressed,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        ended = time.perf_counter()
        written = sum(f.stat().st_size for f in Path(out).rglob("*.parquet"))
    peaks = sorted(result.worker_peak_mb.values())
    return {
        "variant": "batch", "workers": workers, "shard_size": shard_size, "shards": result.shards,
        "articles": result.articles, "errors": dict(result.errors),
        "seconds": round(elapsed, 2), "articles_per_s": round(result.articles / elapsed, 2),
        "steady_articles_per_s": round((result.articles - firsts[0]) / (ended - marks["first"]), 2)
        if firsts and ended > marks["first"] else 0.0,
        "cluster_start_s": round(marks.get("cluster", started) - started, 2),
        "first_shard_s": round(marks.get("first", started) - started, 2),
        "parquet_mb": round(written / 1e6, 2),
        "worker_peak_rss_mb": peaks, **peak_rss_mb(),
    }  # fmt: skip


def _nothing(number: int) -> int:
    return number


def run_overhead(path: Path, workers: int, shard_size: int, tasks: int = 400) -> dict:
    """Round trip of an empty task through the scheduler (submit → run on a worker → result back)."""
    from distributed import wait

    from newsaudit.runners.dask import local_cluster

    with local_cluster(workers) as client:
        wait(client.map(_nothing, range(10), pure=False))  # warm the connections
        started = time.perf_counter()
        for number in range(tasks // 4):  # one at a time: the latency
            client.submit(_nothing, number, pure=False).result()
        serial = (time.perf_counter() - started) / (tasks // 4)
        started = time.perf_counter()
        wait(client.map(_nothing, range(tasks), pure=False))  # many in flight: the scheduler's throughput
        spread = (time.perf_counter() - started) / tasks
    return {"variant": "task_overhead", "workers": workers, "tasks": tasks,
            "round_trip_ms": round(serial * 1e3, 2), "per_task_in_flight_ms": round(spread * 1e3, 2)}  # fmt: skip


VARIANTS = {"pool": run_pool, "batch": run_batch_variant, "overhead": run_overhead}


def _fresh(variant: str, path: Path, workers: int, shard_size: int) -> dict:
    command = [sys.executable, __file__, "--variant", variant, "--path", str(path),
               "--workers", str(workers), "--shard-size", str(shard_size)]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=2000, help="articles (default 2,000)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--shard-size", type=int, default=100, help="records per shard (default 100)")
    parser.add_argument("--repeat", type=int, default=2, help="pool/batch pairs, alternating (default 2)")
    parser.add_argument("--variant", choices=list(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:  # one measurement, in this fresh process
        emit(VARIANTS[args.variant](Path(args.path), args.workers, args.shard_size))
        return

    root = data_dir(args.data)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "articles.jsonl"
        count = _articles(root, args.limit, path)
        emit({"articles": count, "cores": len(os.sched_getaffinity(0))})
        # Pool and batch alternate, twice each: a shared machine's speed drifts by more than what is measured.
        pools, fulls = [], []
        for _ in range(args.repeat):
            pools.append(_fresh("pool", path, args.workers, args.shard_size))
            emit(pools[-1])
            fulls.append(_fresh("batch", path, args.workers, args.shard_size))
            emit(fulls[-1])
        single = _fresh("batch", path, 1, args.shard_size) if args.workers > 1 else fulls[0]
        emit(single)
        emit(_fresh("overhead", path, args.workers, args.shard_size))

    def mean(runs: list[dict], key: str) -> float:
        return sum(run[key] for run in runs) / len(runs)

    steady = mean(fulls, "steady_articles_per_s") / mean(pools, "steady_articles_per_s")
    emit({"batch_over_pool_rate": round(mean(fulls, "articles_per_s") / mean(pools, "articles_per_s"), 3),
          "batch_over_pool_steady_rate": round(steady, 3),
          "pairs": [round(b["articles_per_s"] / p["articles_per_s"], 3) for p, b in zip(pools, fulls, strict=True)],
          "batch_speedup_1_to_n": round(mean(fulls, "articles_per_s") / single["articles_per_s"], 3)})  # fmt: skip
    full = max(fulls, key=lambda run: run["articles_per_s"])
    per_core = mean(fulls, "articles_per_s") / args.workers
    cores = math.ceil(1_000_000 / DAY / per_core)
    emit({"projection": "1M articles/day", "needed_articles_per_s": round(1_000_000 / DAY, 2),
          "measured_per_core": round(per_core, 2), "cores_needed": cores,
          "with_headroom_x1.5": math.ceil(cores * 1.5),
          "peak_rss_per_worker_mb": max(full["worker_peak_rss_mb"] or [0])})  # fmt: skip


if __name__ == "__main__":
    main()
