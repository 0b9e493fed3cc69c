"""The text-reuse store at scale: build time, store size and `find_reuse` latency for N synthetic articles.

    python benchmarks/bench_reuse_scale.py [--n 1000000] [--db PATH] [--batch-size 2000] [--queries 1000]
        [--copies 0.01] [--data DIR] [--seed 6]

Articles are synthetic but realistic: each is 8-40 sentences recombined from a pool built from the shared
corpora (FNC-1 bodies, the FakeNewsCorpus sample, FA-KES, PolNeAR train texts): by default 10 % (`--whole`) are
pool sentences drawn whole, the rest the first half of one pool sentence joined to the second half of another.
(With whole sentences only, 1M articles from ~68k sentences would put each sentence in ~350 articles, a far
denser web of shared passages than real news; spliced sentences keep shared phrases but few shared passages.)
Each article has an id, a URL on one of a few
hundred fake domains, a title and a publication date that grows with the article number. A known fraction
(`--copies`, 1 % by default) are reuses of an earlier original: an excerpt of 25-60 % of its sentences, a new
lead of 1-3 sentences, some numbers and words substituted, sometimes a new closing sentence. Article `i` is
generated from its own seeded random stream, so any article (and so a copy's source) can be regenerated alone.

1. Streams the N articles into a `Corpus` (SQLite at a temporary path on the local disk, or `--db`, which may be
   a `postgresql://` URL) in batches, with `add(workers=2, bulk=True)` unless told otherwise (the progress
   lines' store size then excludes the index, written at the end). The time spent generating texts is
   measured apart and reported beside the build time (build = wall time of `add` minus generation).
2. Store size (the SQLite file and its WAL) in bytes and per article.
3. `find_reuse` latency (p50/p95/p99) on `--queries` random stored articles and on as many fresh copies of
   random stored originals (not stored), and recall: the fraction of seeded copies (stored ones, and the fresh
   ones) whose source is among the matches.
4. With `--reference REF` (a git revision, e.g. `9b299ff`), the same queries also go through `find_reuse` as
   it was at REF (that revision's `fingerprints` module, every candidate aligned in full), interleaved query
   by query with the current code so both see the same machine: the old and new latencies side by side, and
   the share of queries whose matches (ids and shares) are identical.

Prints one JSON line per phase; peak RSS included.
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus

_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_SPACE = re.compile(r"\s+")
_SEED_MIX = 1_000_003
_DAYS = 3650
_START = date(2015, 1, 1)
_PARTS = (
    "daily herald tribune post times gazette ledger courier wire report sentinel chronicle observer journal "
    "dispatch monitor bulletin review press signal beacon insider truth patriot freedom liberty news today "
    "world nation global capital metro city valley coast river mountain north south east west"
).split()
_TLDS = ("com", "net", "org", "info", "news", "co.uk", "com.au", "io")
_SWAPS = {
    "said": "stated",
    "says": "claims",
    "people": "residents",
    "government": "administration",
    "president": "leader",
    "police": "authorities",
    "killed": "left dead",
    "reported": "revealed",
    "new": "latest",
    "officials": "sources",
}


def _sentences(text: str) -> list[str]:
    found = []
    for sentence in _SENTENCE.split(_SPACE.sub(" ", text).strip()):
        sentence = sentence.strip()
        if 6 <= len(sentence.split()) <= 80:
            found.append(sentence)
    return found


def sentence_pool(data: Path) -> tuple[list[str], dict[str, int]]:
    """Distinct sentences of the shared corpora, in a stable order, and how many came from each."""
    csv.field_size_limit(1 << 30)
    sources: dict[str, list[str]] = {}
    with require(data / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as handle:
        sources["fnc1"] = [row["articleBody"] for row in csv.DictReader(handle)]
    with require(data / "fakenewscorpus_sample" / "news_sample.csv").open(encoding="utf-8", newline="") as handle:
        sources["fakenewscorpus"] = [row["content"] for row in csv.DictReader(handle)]
    # FA-KES holds stray cp1252 bytes: its README says to read it as latin-1.
    with require(data / "fakes" / "FA-KES-Dataset.csv").open(encoding="latin-1", newline="") as handle:
        sources["fakes"] = [row["article_content"] for row in csv.DictReader(handle, skipinitialspace=True)]
    sources["polnear"] = [
        Path(path).read_text(encoding="utf-8", errors="replace")
        for path in sorted(glob.glob(str(require(data / "polnear" / "train" / "text") / "*.txt")))
    ]
    pool: dict[str, None] = {}
    counts = {}
    for name, texts in sources.items():
        before = len(pool)
        for text in texts:
            for sentence in _sentences(text):
                pool.setdefault(sentence)
        counts[name] = len(pool) - before
    return list(pool), counts


class Generator:
    """Article `i` of the synthetic corpus, from its own random stream (see the module notes)."""

    def __init__(self, pool: list[str], n: int, copies: float, seed: int, whole: float = 0.1) -> None:
        self.pool, self.n, self.copies, self.seed = pool, n, copies, seed
        self.whole = whole
        # Each pool sentence cut once at a word boundary near its middle: a head and a tail (" ..." to the end).
        self.heads, self.tails = [], []
        for sentence in pool:
            cut = [m.start() for m in re.finditer(" ", sentence)]
            cut_at = cut[len(cut) // 2]
            self.heads.append(sentence[:cut_at])
            self.tails.append(sentence[cut_at:])
        rng = random.Random(seed)
        self.domains = sorted(
            {
                f"{rng.choice(_PARTS)}{rng.choice(_PARTS)}{rng.choice(('', '24', 'now', 'hq'))}.{rng.choice(_TLDS)}"
                for _ in range(400)
            }
        )[:300]

    def _rng(self, i: int, salt: int = 0) -> random.Random:
        return random.Random((self.seed * _SEED_MIX + i) * 7 + salt)

    def source_of(self, i: int) -> int | None:
        """The original that article `i` copies, or None when `i` is an original. Copies copy originals."""
        rng = self._rng(i, 1)
        if i < 100 or rng.random() >= self.copies:
            return None
        while True:
            j = rng.randrange(i)
            if self.source_of(j) is None:
                return j

    def _original_sentences(self, i: int) -> list[str]:
        """8-40 sentences: most the head of one pool sentence joined to the tail of another, some whole."""
        rng = self._rng(i)
        count = rng.randint(8, 40)
        heads = rng.choices(self.heads, k=count)
        tails = rng.choices(self.tails, k=count)
        whole = rng.choices(self.pool, k=count)
        return [w if rng.random() < self.whole else h + t for h, t, w in zip(heads, tails, whole, strict=True)]

    def copy_text(self, source: int, rng: random.Random) -> str:
        """A reuse of `source`: an excerpt of 25-60 % of its sentences, a new lead, substitutions."""
        sentences = self._original_sentences(source)
        keep = max(3, round(len(sentences) * rng.uniform(0.25, 0.60)))
        start = rng.randrange(len(sentences) - keep + 1)
        excerpt = sentences[start : start + keep]
        edited = []
        for sentence in excerpt:
            if rng.random() < 0.3:
                sentence = _NUMBER.sub(lambda _: str(rng.randint(2, 900)), sentence)
            if rng.random() < 0.2:
                sentence = " ".join(_SWAPS.get(word, word) for word in sentence.split(" "))
            edited.append(sentence)
        lead = rng.choices(self.pool, k=rng.randint(1, 3))
        tail = rng.choices(self.pool, k=rng.randint(0, 2))
        return " ".join(lead + edited + tail)

    def article(self, i: int, *, fresh: int | None = None) -> Article:
        """Article `i`; `fresh` (a salt) makes a new copy of original `i` that is not in the corpus."""
        if fresh is not None:
            rng = self._rng(i, 1000 + fresh)
            text = self.copy_text(i, rng)
            article_id = f"fresh-{fresh:05d}"
            day = _DAYS + rng.randrange(30)
        else:
            source = self.source_of(i)
            text = " ".join(self._original_sentences(i)) if source is None else self.copy_text(source, self._rng(i, 2))
            rng = self._rng(i, 3)
            article_id = f"a{i:07d}"
            day = int(i * _DAYS / self.n) + rng.randrange(3)
        domain = self.domains[rng.randrange(len(self.domains))]
        published = (_START + timedelta(days=day)).isoformat() + f"T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        title = " ".join(text.split(" ", 12)[:12]).rstrip(".,;:")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
        url = f"https://{domain}/{published[:4]}/{published[5:7]}/{slug}-{article_id}"
        return Article(article_id, url=url, domain=domain, title=title, published=published, text=text)


class Timed:
    """Iterates `articles`, adding the time spent producing them to `seconds`."""

    def __init__(self, articles: Iterator[Article]) -> None:
        self.articles, self.seconds, self.count, self.words = articles, 0.0, 0, 0

    def __iter__(self) -> Iterator[Article]:
        while True:
            started = time.perf_counter()
            article = next(self.articles, None)
            self.seconds += time.perf_counter() - started
            if article is None:
                return
            self.count += 1
            yield article


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 2)}


def _store_bytes(location: str) -> int | None:
    if location.startswith(("postgresql://", "postgres://")):
        return None
    return sum(os.path.getsize(location + suffix) for suffix in ("", "-wal") if os.path.exists(location + suffix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--n", type=int, default=1_000_000, help="articles to store")
    parser.add_argument("--db", help="store path or postgresql:// URL (default: a temporary folder, deleted)")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=1000, help="stored and fresh queries (each)")
    parser.add_argument("--copies", type=float, default=0.01, help="fraction of articles seeded as copies")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--whole", type=float, default=0.1, help="fraction of sentences drawn whole (not spliced)")
    parser.add_argument("--workers", type=int, default=2, help="fingerprinting processes (Corpus.add workers)")
    parser.add_argument("--no-bulk", action="store_true", help="index batch by batch (Corpus.add bulk=False)")
    parser.add_argument(
        "--queries-only", action="store_true", help="query the store --db built before with the same --n and --seed"
    )
    parser.add_argument("--progress", type=int, default=50_000, help="print a progress line every so many")
    parser.add_argument("--reference", help="git revision whose find_reuse to time beside the current one")
    args = parser.parse_args()
    data = data_dir(args.data)

    started = time.perf_counter()
    pool, counts = sentence_pool(data)
    emit(
        {
            "phase": "pool",
            "sentences": len(pool),
            "by_source": counts,
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    generator = Generator(pool, args.n, args.copies, args.seed, args.whole)

    with tempfile.TemporaryDirectory(prefix="newsaudit-scale-", dir=os.environ.get("TMPDIR", "/tmp")) as folder:
        location = args.db or str(Path(folder) / "corpus.db")
        timed = Timed(generator.article(i) for i in range(args.n))
        started = time.perf_counter()
        last = [started, 0]

        def progress() -> Iterator[Article]:
            for article in timed:
                yield article
                if args.progress and timed.count % args.progress == 0:
                    now = time.perf_counter()
                    emit(
                        {
                            "phase": "progress",
                            "articles": timed.count,
                            "elapsed_s": round(now - started, 1),
                            "generation_s": round(timed.seconds, 1),
                            "recent_articles_per_s": round((timed.count - last[1]) / (now - last[0]), 1),
                            "store_bytes": _store_bytes(location),
                        }
                    )
                    last[:] = [now, timed.count]

        with Corpus(location) as corpus:
            if args.queries_only:
                if len(corpus) != args.n:
                    sys.exit(f"--queries-only: {location} holds {len(corpus)} articles, not --n {args.n}")
                emit({"phase": "store", "articles": args.n, "store_bytes": _store_bytes(location)})
                queries(corpus, generator, args)
                return
            result = corpus.add(
                progress(), batch_size=args.batch_size, workers=args.workers, bulk=not args.no_bulk,
                stories=False,  # the reuse index alone (the story layer's cost is bench_stories.py's)
            )  # fmt: skip
            total = time.perf_counter() - started
            build = total - timed.seconds
            size = _store_bytes(location)
            emit(
                {
                    "phase": "build",
                    "articles": args.n,
                    "added": result.added,
                    "workers": args.workers,
                    "bulk": not args.no_bulk,
                    "generation_s": round(timed.seconds, 1),
                    "build_s": round(build, 1),
                    "build_min": round(build / 60, 2),
                    "total_min": round(total / 60, 2),
                    "build_articles_per_s": round(args.n / build, 1),
                    "store_bytes": size,
                    "store_bytes_per_article": round(size / args.n, 1) if size else None,
                    **peak_rss_mb(),
                }
            )
            queries(corpus, generator, args)


def reference_find_reuse(revision: str):
    """`find_reuse` as it was at git `revision`: the candidates (the same SQL), then every candidate aligned in
    full by that revision's `fingerprints.aligner`, kept at 5 % of either text, most of the query first."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(
        ["git", "show", f"{revision}:src/newsaudit/stores/corpus/fingerprints.py"],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("reference_fingerprints")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:fingerprints.py", "exec"), module.__dict__)

    def find(corpus: Corpus, article: Article, min_share: float = 0.05, limit: int = 20) -> list:
        found = corpus.candidates(article.text, exclude_id=article.id, limit=max(50, 2 * limit))
        ids = [article_id for article_id, _ in found]
        rows = corpus._db.execute(  # the query the old method ran
            "SELECT id, text FROM articles WHERE " + corpus._db.member("id", ids), corpus._db.values(ids)
        ).fetchall() if ids else []  # fmt: skip
        align_with = module.aligner(article.text)
        matches = []
        for other_id, text in rows:
            alignment = align_with(text)
            if max(alignment.share_a, alignment.share_b) >= min_share and alignment.passages:
                matches.append((other_id, alignment.share_a, alignment.share_b, len(alignment.passages)))
        matches.sort(key=lambda match: (-match[1], -match[2], match[0]))
        return matches[:limit]

    return find


def queries(corpus: Corpus, generator: Generator, args: argparse.Namespace) -> None:
    rng = random.Random(args.seed + 1)
    n = args.n
    stored = [generator.article(i) for i in rng.sample(range(n), min(args.queries, n))]
    originals = []
    while len(originals) < min(args.queries, n):
        i = rng.randrange(n)
        if generator.source_of(i) is None:
            originals.append(i)
    fresh = [(generator.article(i, fresh=k), f"a{i:07d}") for k, i in enumerate(originals)]
    seeded = [(i, source) for i in range(100, n) if (source := generator.source_of(i)) is not None]
    seeded = rng.sample(seeded, min(args.queries, len(seeded)))
    corpus.find_reuse(stored[0])  # warm-up: first statements, page cache

    reference = reference_find_reuse(args.reference) if args.reference else None
    compared = {"stored": [], "fresh": [], "seeded": []}

    def timed_queries(articles: list[Article], name: str) -> tuple[list[float], list[list[str]]]:
        latencies, found = [], []
        for number, article in enumerate(articles):
            old = None
            if reference is not None and number % 2:
                old = _timed(reference, corpus, article)  # alternate which goes first
            started = time.perf_counter()
            matches = corpus.find_reuse(article)
            latencies.append(time.perf_counter() - started)
            if reference is not None and old is None:
                old = _timed(reference, corpus, article)
            if old is not None:
                new = [(m.id, m.share_this, m.share_other, len(m.passages)) for m in matches]
                compared[name].append((old[0], old[1] == new))
            found.append([match.id for match in matches])
        return latencies, found

    stored_latency, stored_found = timed_queries(stored, "stored")
    fresh_latency, fresh_found = timed_queries([article for article, _ in fresh], "fresh")
    seeded_articles = [generator.article(i) for i, _ in seeded]
    seeded_latency, seeded_found = timed_queries(seeded_articles, "seeded")
    fresh_hits = sum(source in found for (_, source), found in zip(fresh, fresh_found, strict=True))
    seeded_hits = sum(f"a{source:07d}" in found for (_, source), found in zip(seeded, seeded_found, strict=True))
    for name, latency, found in (("stored", stored_latency, stored_found), ("fresh", fresh_latency, fresh_found)):
        emit(
            {
                "phase": f"query_{name}",
                "queries": len(latency),
                **_percentiles(latency),
                "mean_matches": round(sum(map(len, found)) / len(found), 2),
            }
        )
    if reference is not None:
        for name, latency in (("stored", stored_latency), ("fresh", fresh_latency), ("seeded", seeded_latency)):
            pairs = compared[name]
            emit(
                {
                    "phase": f"reference_{name}",
                    "reference": args.reference,
                    "queries": len(pairs),
                    "reference_query": _percentiles([seconds for seconds, _ in pairs]),
                    "current_query": _percentiles(latency),
                    "identical_matches": round(sum(same for _, same in pairs) / len(pairs), 4),
                }
            )
    emit(
        {
            "phase": "recall",
            "seeded_copies_stored": sum(1 for i in range(100, n) if generator.source_of(i) is not None)
            if n <= 2_000_000
            else None,
            "seeded_queries": len(seeded),
            "seeded_recall": round(seeded_hits / len(seeded), 4) if seeded else None,
            "seeded_query": _percentiles(seeded_latency) if seeded else None,
            "fresh_queries": len(fresh),
            "fresh_recall": round(fresh_hits / len(fresh), 4),
            **peak_rss_mb(),
        }
    )


def _timed(find, corpus: Corpus, article: Article) -> tuple[float, list]:
    started = time.perf_counter()
    matches = find(corpus, article)
    return time.perf_counter() - started, matches


if __name__ == "__main__":
    main()
