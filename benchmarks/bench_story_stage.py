"""The `story` stage's cost inside `audit --corpus`: its share of the audit time, on real stories.

    python benchmarks/bench_story_stage.py [--data DIR] [--n 200]

FNC-1's 1,683 bodies (191 gold stories, up to a few hundred bodies each) are stored in a temporary corpus, so
each audited body sits in a real story with copies and follow-ups; then `--n` bodies are audited with the
corpus. Reported from the audits' own timings: the story stage's mean and p95 milliseconds per article and its
share of the whole audit (the reference measured in the same run: every other stage together), the mean story
size, and peak RSS. Skips when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

from newsaudit import Auditor
from newsaudit.evaluation.stance import read_bodies
from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data")
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    bodies = read_bodies(require(data_dir(args.data) / "fnc1" / "train_bodies.csv"))
    articles = [Article(f"fnc:{k}", text=v, domain=f"site{int(k) % 97}.example") for k, v in bodies.items()]
    with tempfile.TemporaryDirectory() as folder:
        location = str(Path(folder) / "corpus.sqlite")
        started = time.perf_counter()
        with Corpus(location) as corpus:
            corpus.add(articles)
        emit({"phase": "corpus add", "articles": len(articles), "seconds": round(time.perf_counter() - started, 1)})
        auditor = Auditor(corpus=location, workers=1)
        chosen = articles[:: max(1, len(articles) // args.n)][: args.n]
        audits = [auditor.audit(article) for article in chosen]
    story = np.asarray([a.timings.get("story", 0.0) for a in audits]) * 1000
    total = np.asarray([a.timings.get("total", 0.0) for a in audits]) * 1000
    sizes = [a.story.size for a in audits if a.story is not None]
    emit({"phase": "story stage", "articles": len(audits), "story_mean_ms": round(float(story.mean()), 1),
          "story_p95_ms": round(float(np.percentile(story, 95)), 1),
          "rest_mean_ms": round(float((total - story).mean()), 1),
          "story_share": round(float(story.sum() / total.sum()), 3), "mean_story_size": round(float(np.mean(sizes)), 1),
          **peak_rss_mb()})  # fmt: skip


if __name__ == "__main__":
    main()
