"""Text-reuse detection scored on an honest derived corpus: real articles, copies made from them by
programmatic edits with the ground truth of which characters came from where, and unrelated articles.

The corpus (`build`, deterministic for a seed): real texts of at least 150 words from the shared data
(FNC-1 bodies, the FakeNewsCorpus sample, FA-KES). A tenth is set aside as "outside" text for the copies'
new leads and insertions (in no indexed article), another tenth is cut into sentences and recombined into
unrelated filler articles that bring the index to `total` (10,000 by default), and the rest are indexed as
originals. Each copy takes one indexed origin and applies, at random: a partial
excerpt of 20–60 % (contiguous sentences) or the whole text with one or two paragraphs dropped, paragraph
reordering, sentences inserted from outside text, word substitutions (1 in 25 to 1 in 12 words), and a new
lead paragraph of outside text. The characters of the copy that came from the origin are recorded.

Scored (`evaluate`): every article is indexed in a temporary SQLite `Corpus`; every copy is looked up.
- Pairs: a (copy, origin) pair is positive when the copy's text from the origin covers at least 25 % of
  either text (`POSITIVE_SHARE`). A found pair counts at a reporting threshold `t` when either share of the
  verified alignment reaches `t`. Precision counts every found pair against exact brute-force containment
  (below): a pair is right when it is the origin, or when the brute force finds the copy sharing at least
  `t`/2 with that article (another outlet carrying the same wire story shares the copy's text too).
- Spans: character-overlap F1 between the copy-side passages aligned with the origin and the recorded
  ground truth, over positive pairs.
- Speed and size: index build articles/s, look-up latency p50/p95 (ms), bytes of store per article.
- Reference: exact brute-force containment (every 4-word shingle of the query against every indexed article,
  no index) over the same look-ups, measured in the same run: its recall is the ceiling of the index's.
"""

from __future__ import annotations

import csv
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.corpus.fingerprints import shingle_hashes, words

POSITIVE_SHARE = 0.25
THRESHOLDS = (0.1, 0.2)
_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z\"“‘(])")


@dataclass(slots=True)
class Copy:
    article: Article
    origin: str
    #: Character spans of the copy's text that came from the origin.
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: Share of the copy's words / of the origin's words that came from / went to the copy (ground truth).
    share_copy: float = 0.0
    share_origin: float = 0.0


@dataclass(slots=True)
class TestCorpus:
    originals: list[Article]
    copies: list[Copy]
    #: Unrelated filler: sentences of outside text recombined, to bring the index to a realistic size.
    distractors: list[Article] = field(default_factory=list)


def load_texts(data: Path, min_words: int = 150) -> list[tuple[str, str]]:
    """(id, text) of the real articles in the shared data, long enough to be copied from, without exact repeats."""
    csv.field_size_limit(sys.maxsize)
    found: list[tuple[str, str]] = []
    sources = (
        (data / "fnc1" / "train_bodies.csv", "utf-8", "Body ID", "articleBody", "fnc"),
        (data / "fakenewscorpus_sample" / "news_sample.csv", "utf-8", "id", "content", "fnc-sample"),
        (data / "fakes" / "FA-KES-Dataset.csv", "latin-1", "unit_id", "article_content", "fakes"),
    )
    for path, encoding, id_column, text_column, prefix in sources:
        if not path.exists():
            continue
        with path.open(encoding=encoding, newline="") as handle:
            for row in csv.DictReader(handle):
                text = (row.get(text_column) or "").strip()
                if len(text.split()) >= min_words:
                    found.append((f"{prefix}:{row.get(id_column)}", text))
    seen: set[str] = set()
    unique = []
    for identifier, text in found:
        key = " ".join(text.split())[:500]
        if key not in seen:
            seen.add(key)
            unique.append((identifier, text))
    return unique


def _paragraphs(text: str) -> list[str]:
    parts = [part.strip() for part in re.split(r"\n\s*\n|\n", text) if part.strip()]
    if len(parts) >= 3:
        return parts
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def _substitute(text: str, rng: random.Random, rate: float, vocabulary: Sequence[str]) -> str:
    return re.sub(r"[A-Za-z]{4,}", lambda m: rng.choice(vocabulary) if rng.random() < rate else m.group(0), text)


def build(data: Path, n_copies: int = 600, seed: int = 13, total: int = 10_000) -> TestCorpus:
    """The originals (real articles, indexed) and derived copies with their ground truth."""
    rng = random.Random(seed)
    texts = load_texts(data)
    if len(texts) < 50:
        raise ValueError(f"too few articles in {data} to build a reuse test corpus")
    rng.shuffle(texts)
    tenth = len(texts) // 10
    outside = [text for _, text in texts[:tenth]]  # never indexed: leads and insertions of the copies
    filler_source = [text for _, text in texts[tenth : 2 * tenth]]  # never indexed whole: filler sentences
    originals = [Article(id=identifier, text=text) for identifier, text in texts[2 * tenth :]]
    vocabulary = sorted({w for text in outside[:200] for w in re.findall(r"[a-z]{4,}", text.lower())})
    copies = []
    for number in range(n_copies):
        origin = rng.choice(originals)
        copies.append(derive_copy(origin, f"copy:{number}", rng, outside, vocabulary))
    pool = [s for text in filler_source for s in _SENTENCE.split(text) if len(s.split()) > 5]
    distractors = [
        Article(id=f"filler:{n}", text=" ".join(rng.sample(pool, min(len(pool), rng.randint(10, 30)))))
        for n in range(max(total - len(originals) - len(copies), 0))
    ]
    return TestCorpus(originals, copies, distractors)


def derive_copy(
    origin: Article, identifier: str, rng: random.Random, outside: list[str], vocabulary: list[str]
) -> Copy:
    """A copy of `origin` as reprints are made: an excerpt or the whole text less a paragraph or two, maybe
    reordered, with words substituted, a new lead and inserted sentences from `outside`; with its truth."""
    paragraphs = _paragraphs(origin.text)
    if rng.random() < 0.5:  # a partial excerpt of 20–60 %, contiguous
        total = sum(len(p) for p in paragraphs)
        target = rng.uniform(0.2, 0.6) * total
        start = rng.randrange(len(paragraphs))
        chosen, size = [], 0
        for paragraph in paragraphs[start:] + paragraphs[:start]:
            if size >= target:
                break
            chosen.append(paragraph)
            size += len(paragraph)
    else:  # the whole text, one or two paragraphs dropped
        chosen = list(paragraphs)
        for _ in range(rng.choice((0, 1, 2))):
            if len(chosen) > 3:
                chosen.pop(rng.randrange(len(chosen)))
    if rng.random() < 0.3 and len(chosen) > 2:
        rng.shuffle(chosen)
    rate = rng.choice((0.0, 0.0, 1 / 25, 1 / 12))
    pieces: list[tuple[str, bool]] = []
    if rng.random() < 0.5:
        lead = _paragraphs(rng.choice(outside))[0]
        pieces.append((lead, False))
    for paragraph in chosen:
        pieces.append((_substitute(paragraph, rng, rate, vocabulary) if rate else paragraph, True))
        if rng.random() < 0.15:
            inserted = [s for s in _SENTENCE.split(rng.choice(outside)) if len(s.split()) > 6][:1]
            pieces.extend((sentence, False) for sentence in inserted)
    text, spans = "", []
    for piece, from_origin in pieces:
        if text:
            text += "\n\n"
        if from_origin:
            spans.append((len(text), len(text) + len(piece)))
        text += piece
    copy_words = len(words(text)) or 1
    copied_words = sum(len(words(text[s:e])) for s, e in spans)
    origin_words = len(words(origin.text)) or 1
    return Copy(
        article=Article(id=identifier, text=text),
        origin=origin.id,
        spans=spans,
        share_copy=copied_words / copy_words,
        share_origin=min(copied_words / origin_words, 1.0),
    )


class BruteForce:
    """Exact shingle containment of a query in every indexed article, without an index: the reference."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.ids = [article.id for article in articles]
        pairs = [(np.unique(shingle_hashes(article.text)), n) for n, article in enumerate(articles)]
        self.sizes = np.array([len(h) for h, _ in pairs], dtype=np.int64)
        hashes = np.concatenate([h for h, _ in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        owners = np.concatenate([np.full(len(h), n) for h, n in pairs]) if pairs else np.zeros(0, dtype=np.int64)
        order = np.argsort(hashes, kind="stable")
        self.hashes, self.owners = hashes[order], owners[order]

    def shares(self, text: str) -> dict[str, tuple[float, float]]:
        """Article id → (share of the query's shingles found there, share of its shingles found in the query)."""
        query = np.unique(shingle_hashes(text))
        if not len(query):
            return {}
        left = np.searchsorted(self.hashes, query, side="left")
        right = np.searchsorted(self.hashes, query, side="right")
        hits = np.concatenate([self.owners[a:b] for a, b in zip(left, right, strict=True) if b > a] or [[]])
        counts = np.bincount(hits.astype(np.int64), minlength=len(self.ids)) if len(hits) else np.zeros(0)
        return {
            self.ids[n]: (count / len(query), count / max(self.sizes[n], 1)) for n, count in enumerate(counts) if count
        }


def _overlap_f1(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> tuple[int, int, int]:
    def chars(spans):
        marks = set()
        for start, end in spans:
            marks.update(range(start, end))
        return marks

    p, g = chars(predicted), chars(gold)
    return len(p & g), len(p), len(g)


def evaluate(
    data: str | Path, n_copies: int = 600, seed: int = 13, total: int = 10_000, store: str | None = None
) -> dict:
    corpus_data = build(Path(data), n_copies, seed, total)
    articles = corpus_data.originals + [copy.article for copy in corpus_data.copies] + corpus_data.distractors
    with tempfile.TemporaryDirectory() as folder:
        location = store or os.path.join(folder, "reuse.db")
        started = time.perf_counter()
        with Corpus(location) as corpus:
            corpus.add(articles, stories=False)  # the reuse index alone: its build time is what is timed
        build_seconds = time.perf_counter() - started
        size = os.path.getsize(location) if os.path.exists(location) else None
        latencies, found_by_copy = [], {}
        with Corpus(location) as corpus:
            for copy in corpus_data.copies:
                started = time.perf_counter()
                found_by_copy[copy.article.id] = corpus.find_reuse(copy.article, min_share=min(THRESHOLDS))
                latencies.append((time.perf_counter() - started) * 1000)
    result: dict = {"n_articles": len(articles), "n_copies": len(corpus_data.copies)}
    positives = [c for c in corpus_data.copies if max(c.share_copy, c.share_origin) >= POSITIVE_SHARE]
    brute = BruteForce(corpus_data.originals + corpus_data.distractors)
    result["n_positive_pairs"] = len(positives)
    # The truth for precision is exact: every indexed real or filler article sharing text with the copy,
    # by brute-force shingle containment (any article can share text with the copy's origin, or with its
    # new lead: two outlets carry the same wire story). A found pair is right when the brute force also
    # finds at least half the reporting threshold there (shingle and word shares differ a little).
    truth = {copy.article.id: brute.shares(copy.article.text) for copy in corpus_data.copies}
    for threshold in THRESHOLDS:
        true_positive = predicted = 0
        for copy in corpus_data.copies:
            for match in found_by_copy[copy.article.id]:
                if max(match.share_this, match.share_other) < threshold or match.id.startswith("copy:"):
                    continue  # copies of the same origin find each other: real reuse, not scored
                predicted += 1
                exact = truth[copy.article.id].get(match.id, (0.0, 0.0))
                true_positive += match.id == copy.origin or max(exact) >= threshold / 2
        recalled = sum(
            any(m.id == c.origin and max(m.share_this, m.share_other) >= threshold for m in found_by_copy[c.article.id])
            for c in positives
        )
        result[f"at_{threshold}"] = {
            "pair_recall": round(recalled / len(positives), 4) if positives else None,
            "pair_precision": round(true_positive / predicted, 4) if predicted else None,
        }
    overlap = [0, 0, 0]
    for copy in positives:
        match = next((m for m in found_by_copy[copy.article.id] if m.id == copy.origin), None)
        passages = [(p.a.start, p.a.end) for p in match.passages] if match else []
        for total, value in zip(range(3), _overlap_f1(passages, copy.spans), strict=True):
            overlap[total] += value
    precision = overlap[0] / overlap[1] if overlap[1] else 0.0
    recall = overlap[0] / overlap[2] if overlap[2] else 0.0
    result["span_f1"] = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    result["span_precision"], result["span_recall"] = round(precision, 4), round(recall, 4)
    brute_hits = sum(max(brute.shares(c.article.text).get(c.origin, (0.0, 0.0))) >= POSITIVE_SHARE for c in positives)
    result["brute_force_pair_recall"] = round(brute_hits / len(positives), 4) if positives else None
    result["build_articles_per_s"] = round(len(articles) / build_seconds, 1)
    result["query_ms_p50"] = round(statistics.median(latencies), 2)
    result["query_ms_p95"] = round(float(np.percentile(latencies, 95)), 2)
    result["bytes_per_article"] = round(size / len(articles)) if size else None
    return result
