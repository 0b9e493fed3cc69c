"""Story clusters: which stored articles tell the same story, assigned as articles arrive, batch by batch.

In the spirit of Miranda et al. (2018), a single pass over the stream with an explicit merge step. Each article
becomes a TF-IDF vector over the words of its title and body (`story_terms`: stop words dropped, suffixes
stripped, capitalised words inside a sentence — names, places, organisations — weighted up, so the same people
and places count more than the same common words), kept to its `Params.article_terms` heaviest terms and
normalised. A story is the sum of its members' vectors (its centroid, cut to `Params.story_terms` terms), its
size and its date range. A batch of new articles (one `Corpus.add` batch, or a single article):

1. is **grouped** first (`batch_groups`): average-link agglomerative clustering of the batch at the join
   threshold, so the order of articles within a batch does not decide their stories;
2. each group finds **candidate stories from an index** (the heaviest `Params.index_terms` terms of each
   centroid), never by comparing all stories, and scores them by *average link*, the mean cosine between the
   group's and the story's members (the dot product of the centroids over the product of the sizes); with
   `Params.embedding_weight` > 0 the mean cosine of the static sentence embeddings
   (`newsaudit.models.embeddings`) is mixed in; a story dated far from the group is discounted
   (`time_discount`);
3. the group **joins** the best story if the score reaches `Params.join`, else starts a new one;
4. then the **merge step**: the story it joined is compared (average link) with the stories its centroid's
   index terms reach; one at or above `Params.merge` is merged into the older of the two, which keeps its id
   (the other id is kept as an alias), until none is.

Document frequencies are counted per batch before the batch is placed. Terms are 63-bit hashes (`term_key`),
so the tables hold integers only. The algorithm (`place`) runs over a `StoryState`: `story_memory.MemoryStories`
(evaluation, tests), the corpus tables in `newsaudit.stores.corpus.story_tables`; the same batches give the
same stories in both. Thresholds and weights were chosen on story-disjoint folds (`newsaudit eval stories`);
the time discount is not fitted (the evaluation sets carry no dates) and only says that a story silent for
months is a new one.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

import numpy as np

from newsaudit.models.stance import stem_cached
from newsaudit.nlp.loading import import_spacy
from newsaudit.stores.corpus.matches import day_number

_TOKEN = re.compile(r"[^\W_]+|[.!?]")
_MASK63 = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Params:
    """The story layer's parameters (defaults chosen on FNC-1's story-disjoint folds, full news articles)."""

    join: float = 0.175
    merge: float = 0.175
    entity_weight: float = 1.5
    embedding_weight: float = 0.0
    article_terms: int = 200
    story_terms: int = 1000
    index_terms: int = 40
    candidates: int = 30
    #: Keys in more documents than this (or than `common_share` of them, whichever is more) are not looked up:
    #: a word in thousands of articles names no story, and its postings would be the look-up's whole cost.
    common_df: int = 2000
    common_share: float = 0.005
    half_life_days: float = 30.0
    grace_days: float = 3.0

    def with_(self, **changes: float) -> Params:
        return replace(self, **changes)


@lru_cache(maxsize=1 << 18)
def term_key(term: str) -> int:
    """A stable non-negative 63-bit id for a term (the same in every process and on every machine)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little") & _MASK63


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (spaCy imported the package's way, without torch)."""
    import_spacy()
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def story_terms(title: str | None, text: str, entity_weight: float = 1.5) -> Counter[int]:
    """Term counts of an article's title and body by `term_key`: lower-cased words, stop words and one-letter
    words dropped, plural and verb suffixes stripped ("dams" → "dam", "villages" → "village"); a capitalised
    word that does not start a sentence counts `entity_weight` times."""
    counts: Counter[int] = Counter()
    stop = stop_words()
    for part in (title or "", text or ""):
        start = True
        for match in _TOKEN.finditer(part):
            token = match.group(0)
            if not token[0].isalnum():
                start = True
                continue
            low = token.lower()
            capital = token[0].isupper() and not start
            start = False
            if len(low) < 2 or low in stop:
                continue
            counts[term_key(stem_cached(low))] += entity_weight if capital and not low[0].isdigit() else 1.0
    return counts


@dataclass(frozen=True, slots=True)
class Terms:
    """Weighted terms as two arrays, `keys` sorted (int64) and their `weights`, held to float32 precision so a
    story computed in memory and one read back from a store are the same to the last bit."""

    keys: np.ndarray
    weights: np.ndarray

    @classmethod
    def of(cls, weights: Mapping[int, float]) -> Terms:
        keys = np.fromiter(weights.keys(), dtype=np.int64, count=len(weights))
        values = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
        order = np.argsort(keys, kind="stable")
        return cls(keys[order], values[order].astype(np.float32).astype(np.float64))

    @classmethod
    def empty(cls) -> Terms:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.keys)

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.keys.tolist(), self.weights.tolist(), strict=True))

    def dot(self, other: Terms) -> float:
        small, large = (self, other) if len(self) <= len(other) else (other, self)
        if not len(small) or not len(large):
            return 0.0
        where = np.minimum(np.searchsorted(large.keys, small.keys), len(large) - 1)
        hit = large.keys[where] == small.keys
        return float(small.weights[hit] @ large.weights[where[hit]])

    def plus(self, other: Terms, limit: int) -> Terms:
        """The sum of two term sets, cut to its `limit` heaviest terms."""
        keys, inverse = np.unique(np.concatenate([self.keys, other.keys]), return_inverse=True)
        weights = np.bincount(inverse, weights=np.concatenate([self.weights, other.weights]), minlength=len(keys))
        summed = Terms(keys, weights.astype(np.float32).astype(np.float64))
        if len(summed) <= limit:
            return summed
        kept = np.sort(summed.top(limit))
        return Terms(summed.keys[kept], summed.weights[kept])

    def top(self, n: int) -> np.ndarray:
        """Positions of the `n` heaviest terms, heaviest first (ties by key, so every process picks the same)."""
        return np.lexsort((self.keys, -self.weights))[:n]

    def heaviest(self, n: int) -> list[int]:
        return self.keys[self.top(n)].tolist()


@dataclass(slots=True)
class Vector:
    """An article's weighted terms (unit length) and, when embeddings are weighed, its unit embedding."""

    weights: dict[int, float]
    embedding: np.ndarray | None = None
    terms: Terms = field(init=False)

    def __post_init__(self) -> None:
        self.terms = Terms.of(self.weights)

    def index_keys(self, n: int) -> list[int]:
        return self.terms.heaviest(n)


def heaviest(weights: Mapping[int, float], n: int) -> list[int]:
    """The `n` keys of largest weight (ties by key, so every process picks the same)."""
    return [key for key, _ in sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:n]]


def vectorise(counts: Mapping[int, float], df: Mapping[int, int], documents: int, limit: int) -> dict[int, float]:
    """Sublinear TF × smoothed IDF, the `limit` heaviest terms, scaled to unit length."""
    weights = {
        key: (1.0 + math.log(count)) * (math.log((documents + 1) / (df.get(key, 0) + 1)) + 1.0)
        for key, count in counts.items()
        if count > 0
    }
    top = heaviest(weights, limit)
    norm = math.sqrt(sum(weights[key] ** 2 for key in top)) or 1.0
    return {key: weights[key] / norm for key in top}


@dataclass(slots=True)
class Story:
    """What the algorithm reads of a story: its size, centroid (sum of member vectors, `Terms`), embedding sum,
    and the first and last day its members were published (day numbers; None when none is dated)."""

    id: int
    size: int
    centroid: Terms = field(default_factory=Terms.empty)
    embedding: np.ndarray | None = None
    first_day: int | None = None
    last_day: int | None = None


class StoryState:
    """Where stories live. `assign` reads and changes them only through these methods."""

    def frequencies(self, keys: Iterable[int]) -> tuple[dict[int, int], int]:
        """Document frequency of each key, and the number of documents counted."""
        raise NotImplementedError

    def count(self, documents: Sequence[Iterable[int]]) -> None:
        """Add documents (their distinct keys) to the document frequencies."""
        raise NotImplementedError

    def candidates(self, keys: Sequence[int], weights: Mapping[int, float], limit: int, exclude: int = -1) -> list[int]:
        """Stories whose index terms include some of `keys`, the largest summed `weights` (of those keys) first."""
        raise NotImplementedError

    def load(self, ids: Sequence[int]) -> dict[int, Story]:
        raise NotImplementedError

    def save(self, story: Story, index_keys: Sequence[int]) -> None:
        """Write a story (new or changed) and the keys it is found under."""
        raise NotImplementedError

    def new_id(self) -> int:
        raise NotImplementedError

    def absorb(self, keep: int, gone: int) -> None:
        """Move `gone`'s members to `keep` and delete `gone` (its index rows too), keeping it as an alias."""
        raise NotImplementedError

    def place(self, member: int, story: int) -> None:
        """Record `member` (the article's number) as in `story`."""
        raise NotImplementedError


def time_discount(day: int | None, story: Story, params: Params) -> float:
    """1 inside the story's dates (give or take `grace_days`), halving every `half_life_days` beyond them."""
    if day is None or story.first_day is None or story.last_day is None:
        return 1.0
    gap = max(story.first_day - day, day - story.last_day, 0) - params.grace_days
    return 0.5 ** (max(gap, 0.0) / params.half_life_days)


def story_similarity(a: Story, b: Story, params: Params) -> float:
    """Average link between two stories (or a group and a story): the mean cosine between their members."""
    size = a.size * b.size
    score = a.centroid.dot(b.centroid) / size
    if params.embedding_weight and a.embedding is not None and b.embedding is not None:
        mixed = float(a.embedding @ b.embedding) / size
        score = (1 - params.embedding_weight) * score + params.embedding_weight * mixed
    return score


def _grow(story: Story, terms: Terms, embedding: np.ndarray | None, size: int, day_range, params: Params) -> None:
    story.centroid = story.centroid.plus(terms, params.story_terms)
    if embedding is not None:
        story.embedding = embedding.copy() if story.embedding is None else story.embedding + embedding
    story.size += size
    first, last = day_range
    if first is not None:
        story.first_day = first if story.first_day is None else min(story.first_day, first)
    if last is not None:
        story.last_day = last if story.last_day is None else max(story.last_day, last)


def _query(state: StoryState, terms: Terms, params: Params) -> tuple[list[int], dict[int, float]]:
    """The keys a centroid is looked up under (its heaviest, less the very common ones) and their weights."""
    top = terms.top(params.index_terms)
    keys = terms.keys[top].tolist()
    df, documents = state.frequencies(keys)
    ceiling = max(params.common_df, params.common_share * documents)
    kept = [key for key in keys if df.get(key, 0) <= ceiling] or keys
    weights = dict(zip(keys, terms.weights[top].tolist(), strict=True))
    return kept, {key: weights[key] for key in kept}


def assign(state: StoryState, member: int, vector: Vector, day: int | None, params: Params) -> tuple[int, list[int]]:
    """Put one article (its number `member`, its vector, its publication day) in a story: the story id, and the
    ids merged into it (now aliases)."""
    return place(state, [member], [vector], [day], params)


def best_story(state: StoryState, group: Story, day: int | None, params: Params) -> tuple[Story | None, float]:
    """The candidate story closest to `group` (average link, time discount) and its score; None without any."""
    keys, weights = _query(state, group.centroid, params)
    found = state.load(state.candidates(keys, weights, params.candidates))
    best, best_score = None, -1.0
    for story in sorted(found.values(), key=lambda s: s.id):
        score = story_similarity(group, story, params) * time_discount(day, story, params)
        if score > best_score:
            best, best_score = story, score
    return best, best_score


def place(
    state: StoryState, members: Sequence[int], vectors: Sequence[Vector], days: Sequence[int | None], params: Params
) -> tuple[int, list[int]]:
    """Put a group of articles that tell one story (one article, or a group `batch_groups` found) in a story:
    the story id, and the ids merged into it (now aliases)."""
    group = Story(0, 0)
    dates = [day for day in days if day is not None]
    for vector in vectors:
        _grow(group, vector.terms, vector.embedding, 1, (None, None), params)
    group.first_day, group.last_day = (min(dates), max(dates)) if dates else (None, None)
    day = min(dates) if dates else None
    best, best_score = best_story(state, group, day, params)
    if best is None or best_score < params.join:
        best = Story(state.new_id(), 0)
    _grow(best, group.centroid, group.embedding, group.size, (group.first_day, group.last_day), params)
    merged: list[int] = []
    while True:
        keys, weights = _query(state, best.centroid, params)
        others = state.load(state.candidates(keys, weights, params.candidates, exclude=best.id))
        scored = [(story_similarity(best, other, params), -other.id, other) for other in others.values()]
        if not scored:
            break
        score, _, other = max(scored, key=lambda item: item[:2])
        if score < params.merge:
            break
        keep, gone = (best, other) if best.id < other.id else (other, best)
        _grow(keep, gone.centroid, gone.embedding, gone.size, (gone.first_day, gone.last_day), params)
        state.absorb(keep.id, gone.id)
        merged.append(gone.id)
        best = keep
    state.save(best, best.centroid.heaviest(params.index_terms))
    for member in members:
        state.place(member, best.id)
    return best.id, merged


def batch_groups(vectors: Sequence[Vector], params: Params) -> list[list[int]]:
    """The articles of one batch grouped by average-link agglomerative clustering at the join threshold (the
    mean similarity of the two groups' members), each group's indexes in order, groups by their first member.
    Done before the groups meet the stored stories, so a batch's order does not decide its stories."""
    n = len(vectors)
    if n < 2:
        return [[index] for index in range(n)]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse import csr_matrix
    from scipy.spatial.distance import squareform

    columns: dict[int, int] = {}
    rows, cols, values = [], [], []
    for row, vector in enumerate(vectors):
        for key, weight in vector.weights.items():
            rows.append(row)
            cols.append(columns.setdefault(key, len(columns)))
            values.append(weight)
    matrix = csr_matrix((values, (rows, cols)), shape=(n, max(len(columns), 1)))
    similarity = (matrix @ matrix.T).toarray()
    if params.embedding_weight and all(vector.embedding is not None for vector in vectors):
        embeddings = np.stack([vector.embedding for vector in vectors])
        similarity = (1 - params.embedding_weight) * similarity + params.embedding_weight * (embeddings @ embeddings.T)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(linkage(squareform(distance, checks=False), "average"), 1.0 - params.join, "distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda group: group[0])


def place_batch(
    state: StoryState, members: Sequence[int], vectors: Sequence[Vector], days: Sequence[int | None], params: Params
) -> None:
    """Place a batch: `batch_groups` first, then each group in a story (`place`), in order."""
    for group in batch_groups(vectors, params):
        place(state, [members[i] for i in group], [vectors[i] for i in group], [days[i] for i in group], params)


def vectors_for(
    state: StoryState, documents: Sequence[tuple[str | None, str]], params: Params, embedder=None
) -> list[Vector]:
    """Count a batch into the document frequencies, then weigh each document's terms (and embed it when
    embeddings are weighed)."""
    counts = [story_terms(title, text, params.entity_weight) for title, text in documents]
    state.count([list(c) for c in counts])
    df, total = state.frequencies({key for c in counts for key in c})
    embeddings = None
    if params.embedding_weight and embedder is not None:
        embeddings = embedder.encode([f"{title or ''} {text or ''}"[:4000] for title, text in documents])
        embeddings = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-9)
    return [
        Vector(vectorise(c, df, total, params.article_terms), None if embeddings is None else embeddings[i])
        for i, c in enumerate(counts)
    ]


def dated(published: str | None) -> int | None:
    """The day number of a `published` value (None when it cannot be read)."""
    return day_number(published)
