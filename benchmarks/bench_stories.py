"""The story layer at scale: build rate, store size per article and incremental assignment latency.

    python benchmarks/bench_stories.py [--n 1000000] [--db PATH] [--batch-size 500] [--queries 500] [--seed 7]

Synthetic stories, as `bench_reuse_scale.py` makes synthetic articles, but generated from words rather than
from the shared corpora (so the benchmark needs no data): a vocabulary of 300,000 made-up words with Zipf
frequencies, a stream of stories whose sizes follow a heavy tail (most stories one or two articles, a few
hundreds), each story with 25 topic words and 4 capitalised names of its own; an article is 120-400 words,
about a third from its story's words and names, the rest background, dated within a few days of its story's
start. Stories start in date order, so the stream is what a crawl delivers.

1. **Build**: the N articles are placed in stories batch by batch (`StoryTables.assign_batch`, the code
   `Corpus.add` runs, one transaction per batch) in a SQLite store that holds only the story tables and
   article numbers, so the figure is the story layer's own cost (the reuse index's is `bench_reuse_scale.py`'s).
   Reported: articles/s overall and per 10 % of the stream, and a check of the clustering on the last batches
   (pairwise precision and recall against the generated stories).
2. **Size**: the store's bytes per article.
3. **Incremental assignment**: `--queries` fresh articles (of existing stories and of new ones), each placed
   alone in its own transaction as `audit --corpus` then `corpus add` of one article would: p50/p95/p99 in ms.
   The issue's goal: p95 ≤ 20 ms with 1M stored articles.

Prints one JSON line per phase; peak RSS included.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, peak_rss_mb

from newsaudit.stores.corpus.backends import SQLiteBackend
from newsaudit.stores.corpus.story_tables import StoryTables

_VOCABULARY = 300_000
_LETTERS = np.array(list("abcdefghiklmnoprstuvwy"))


def made_up_words(count: int, rng: np.random.Generator, length: tuple[int, int] = (4, 10)) -> list[str]:
    words, seen = [], set()
    while len(words) < count:
        size = int(rng.integers(*length))
        word = "".join(rng.choice(_LETTERS, size))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Stream:
    """Synthetic articles in story order: `article(i)` gives (story, title, text, published day)."""

    def __init__(self, n: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.words = np.array(made_up_words(_VOCABULARY, rng))
        ranks = np.arange(1, _VOCABULARY + 1)
        self.background = np.cumsum((1 / ranks) / (1 / ranks).sum())
        topical = 1 / np.sqrt(ranks)
        self.topical = np.cumsum(topical / topical.sum())
        sizes = []
        while sum(sizes) < n:
            sizes.append(int(min(1 + rng.zipf(1.9), 400)))
        self.story_of = np.repeat(np.arange(len(sizes)), sizes)[:n]
        # Interleave: each story's articles spread over a window, as outlets publish over days.
        jitter = rng.uniform(0, 3.0, n)
        order = np.argsort(self.story_of + jitter, kind="stable")
        self.story_of = self.story_of[order]
        self.seed = seed
        self.names = made_up_words(4 * len(sizes) + 4, np.random.default_rng(seed + 1), (5, 9))

    def topic(self, story: int) -> tuple[np.ndarray, list[str]]:
        rng = np.random.default_rng((self.seed, int(story)))
        words = self.words[np.minimum(np.searchsorted(self.topical, rng.random(25)), _VOCABULARY - 1)]
        names = [name.capitalize() for name in self.names[4 * story : 4 * story + 4]]
        return words, names

    def article(self, i: int, story: int | None = None) -> tuple[int, str, str, int]:
        story = int(self.story_of[i]) if story is None else story
        rng = np.random.default_rng((self.seed, 7, i))
        topic, names = self.topic(story)
        size = int(rng.integers(120, 400))
        own = int(size * rng.uniform(0.25, 0.4))
        drawn = np.searchsorted(self.background, rng.random(size - own))
        words = list(self.words[np.minimum(drawn, _VOCABULARY - 1)])
        words += list(rng.choice(topic, own))
        rng.shuffle(words)
        for k in range(0, len(words), 9):
            words[k] = names[int(rng.integers(0, 4))]
        sentences = [" ".join(words[k : k + 15]) for k in range(0, len(words), 15)]
        text = ". ".join(s[:1].upper() + s[1:] for s in sentences) + "."
        title = " ".join([names[0], *topic[:4]])
        return story, title, text, 730_000 + story // 300


def pairwise(gold: list[int], found: list[int]) -> dict[str, float]:
    both = same_gold = same_found = 0
    for i in range(len(gold)):
        for j in range(i + 1, len(gold)):
            g, f = gold[i] == gold[j], found[i] == found[j]
            both += g and f
            same_gold += g
            same_found += f
    return {"pair_precision": round(both / same_found, 4) if same_found else 1.0,
            "pair_recall": round(both / same_gold, 4) if same_gold else 1.0}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--db", help="SQLite path (default: a temporary file, removed afterwards)")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--resume", action="store_true", help="go on with an interrupted build in --db")
    parser.add_argument(
        "--measure-only", action="store_true",
        help="skip the build: measure incremental assignment on the articles already in --db (an interrupted build)",
    )  # fmt: skip
    args = parser.parse_args()
    folder = None
    if args.db is None:
        folder = tempfile.mkdtemp(prefix="newsaudit-stories-")
        args.db = os.path.join(folder, "stories.sqlite")
    started = time.perf_counter()
    stream = Stream(args.n + args.queries, args.seed)
    stories = int(stream.story_of.max()) + 1
    emit({"phase": "generate", "stories": stories, "seconds": round(time.perf_counter() - started, 1)})
    db = SQLiteBackend(args.db)
    tables = StoryTables(db)
    if args.measure_only:
        args.n = db.execute("SELECT coalesce(max(article), 0) FROM story_members").fetchone()[0]
        emit({"phase": "stored", "articles": args.n, "bytes_per_article": round(os.path.getsize(args.db) / args.n),
              "stories": db.execute("SELECT count(*) FROM stories").fetchone()[0]})  # fmt: skip
        incremental(args, stream, db, tables)
        return
    build = time.perf_counter()
    generating = 0.0
    tenth = max(args.n // 10, args.batch_size)
    first = db.execute("SELECT coalesce(max(article), 0) FROM story_members").fetchone()[0] if args.resume else 0
    last_mark, last_time = first, build
    for start in range(first, args.n, args.batch_size):
        t = time.perf_counter()
        rows = []
        for i in range(start, min(start + args.batch_size, args.n)):
            _, title, text, _ = stream.article(i)
            rows.append((i + 1, title, text, None))
        generating += time.perf_counter() - t
        with db.transaction():
            tables.assign_batch(rows)
        done = min(start + args.batch_size, args.n)
        if done - last_mark >= tenth or done == args.n:
            now = time.perf_counter()
            rate = round((done - last_mark) / (now - last_time), 1)
            emit({"phase": "build", "articles": done, "articles_per_s": rate,
                  "store_mb": round(os.path.getsize(args.db) / 1e6, 1)})  # fmt: skip
            last_mark, last_time = done, now
    seconds = time.perf_counter() - build - generating
    built = args.n - first
    db.checkpoint()
    size = sum(os.path.getsize(p) for p in (args.db, args.db + "-wal") if os.path.exists(p))
    emit({"phase": "built", "articles": args.n, "seconds": round(seconds, 1),
          "generation_seconds": round(generating, 1),
          "articles_per_s": round(built / seconds, 1), "resumed_at": first, "bytes_per_article": round(size / args.n),
          "stories": db.execute("SELECT count(*) FROM stories").fetchone()[0], **peak_rss_mb()})  # fmt: skip
    # Quality on the last 2,000 stored articles.
    tail = range(max(0, args.n - 2000), args.n)
    found = dict(db.execute("SELECT article, story FROM story_members WHERE article > ?", (tail[0],)).fetchall())
    emit({"phase": "quality", "articles": len(tail),
          **pairwise([int(stream.story_of[i]) for i in tail], [found[i + 1] for i in tail])})  # fmt: skip
    incremental(args, stream, db, tables)
    if folder:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)


def incremental(args, stream: Stream, db, tables: StoryTables) -> None:
    latencies = []
    for q in range(args.queries):
        i = args.n + q
        _, title, text, _ = stream.article(i)
        t = time.perf_counter()
        with db.transaction():
            tables.assign_batch([(i + 1, title, text, None)])
        latencies.append((time.perf_counter() - t) * 1000)
    values = np.asarray(latencies)
    emit({"phase": "incremental", "stored": args.n, "queries": args.queries,
          "p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
          "p99_ms": round(float(np.percentile(values, 99)), 2), "goal_p95_ms": 20, **peak_rss_mb()})  # fmt: skip
    db.close()


if __name__ == "__main__":
    main()
