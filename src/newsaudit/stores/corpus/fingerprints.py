"""Text reuse: fingerprints to find articles that share passages, and an exact alignment to verify them.

Pure functions, no I/O (the store is `newsaudit.stores.corpus.store`).

- **Words and shingles.** `words` gives the char spans of the lower-cased alphanumeric words; a shingle is `K`
  consecutive words, hashed to a stable 64-bit int (`shingle_hashes`): each distinct word is hashed once with
  BLAKE2b (8 bytes, cached), and the `K` word hashes are combined with numpy (a polynomial mod 2^64 and the
  SplitMix64 finaliser). The same words give the same hash in every process and on every machine, so stored
  keys stay valid.
- **Content-defined chunks** (`chunks`). A chunk ends where a shingle's hash is 0 modulo `AVG`, at least
  `MIN_WORDS` and at most `MAX_WORDS` words after the chunk's start. The cut points depend only on the words
  around them, so a passage copied into another article is cut into the same chunks there whatever text
  surrounds it (a new lead, dropped or reordered paragraphs, an excerpt): at most the chunks at its edges
  differ.
- **Fingerprint** (`fingerprint`). Each chunk's shingles get a MinHash (rensa, `NUM_PERM` permutations) cut into
  `BANDS` bands of `ROWS` values; each band is one LSH key (a non-negative signed 64-bit int, so SQLite INTEGER
  and PostgreSQL BIGINT hold it). Two chunks with Jaccard similarity `j` share a key with probability
  `1 - (1 - j**ROWS)**BANDS`: 0.998 at `j` = 0.8, 0.82 at 0.5, 0.22 at 0.2. (Three rows per band instead of
  two halve the false candidates but missed 5.5 % of the copies `newsaudit eval reuse` derives, the short and
  heavily edited ones, against 1.7 % with two.)
- **Alignment** (`align`). The exact check of a candidate pair: shingles present in both texts are chained
  along diagonals, runs closer than `MAX_GAP` words on both sides are merged into passages, and each passage
  is a pair of char spans (`Passage.a` in text A, `Passage.b` in text B). `share_a` is the fraction of A's
  words inside passages, `share_b` of B's.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import rensa

from newsaudit.schema import Span

#: Words per shingle.
K = 4
#: A chunk ends after a shingle whose hash is 0 modulo AVG (once the chunk has MIN_WORDS words); with the
#: minimum, chunks average about MIN_WORDS + AVG words.
AVG = 32
MIN_WORDS = 15
MAX_WORDS = 120
#: MinHash permutations per chunk, cut into BANDS bands of ROWS values (NUM_PERM = BANDS × ROWS).
BANDS = 6
ROWS = 2
NUM_PERM = BANDS * ROWS
SEED = 20240611
#: Identifies how keys are made: a store built with another version must be re-indexed.
FINGERPRINT_VERSION = (
    f"k{K}-avg{AVG}-min{MIN_WORDS}-max{MAX_WORDS}-b{BANDS}r{ROWS}-s{SEED}-rensa{rensa.RMinHash.ALGORITHM_VERSION}"
)

#: Alignment: runs of shared shingles at most MAX_GAP words apart (on both sides) form one passage; passages
#: whose runs hold fewer than MIN_PASSAGE words are dropped (stock phrases, "according to a statement from").
MAX_GAP = 8
MIN_PASSAGE = 10
#: A shingle repeated more than this many times in text B is matched at its first occurrences only.
_MAX_OCCURRENCES = 8

_WORD = re.compile(r"[^\W_]+")
_MASK64 = (1 << 64) - 1
_MASK63 = (1 << 63) - 1
_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE_LIMIT = 1 << 20
# Odd 64-bit multipliers for the polynomial over a shingle's word hashes and for the band keys.
_POLY = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0xA0761D6478BD642F,
        0xE7037ED1A0B428DB,
    ],
    dtype=np.uint64,
)


@dataclass(frozen=True, slots=True)
class Passage:
    """A passage found in both texts: `a` its span in text A, `b` in text B."""

    a: Span
    b: Span


@dataclass(frozen=True, slots=True)
class Alignment:
    """The passages two texts share, in the order of text A, and the share of each text's words they cover."""

    passages: tuple[Passage, ...]
    share_a: float
    share_b: float


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text's LSH keys (sorted, distinct), its chunks as char spans `(start, end)`, and its word count."""

    keys: tuple[int, ...]
    chunks: tuple[tuple[int, int], ...]
    n_words: int


def words(text: str) -> list[tuple[int, int]]:
    """The char spans `(start, end)` of the words of `text` (runs of letters and digits)."""
    return [match.span() for match in _WORD.finditer(text)]


def _word_hashes(text: str, spans: list[tuple[int, int]]) -> np.ndarray:
    cache = _WORD_HASHES
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    tokens = [text[start:end].lower() for start, end in spans]
    for token in set(tokens).difference(cache):
        cache[token] = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
    return np.array([cache[token] for token in tokens], dtype=np.uint64)


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit affects every output bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(text: str, spans: list[tuple[int, int]] | None = None) -> np.ndarray:
    """One stable 64-bit hash (uint64) per shingle: shingle `i` is words `i … i+K-1` of `text`."""
    if spans is None:
        spans = words(text)
    if len(spans) < K:
        return np.zeros(0, dtype=np.uint64)
    hashes = _word_hashes(text, spans)
    count = len(spans) - K + 1
    with np.errstate(over="ignore"):
        combined = hashes[:count] * _POLY[0]
        for offset in range(1, K):
            combined = combined + hashes[offset : offset + count] * _POLY[offset]
        return _mix(combined)


def chunk_bounds(hashes: np.ndarray) -> list[tuple[int, int]]:
    """Content-defined chunks as shingle index ranges `[start, end)` (see the module notes)."""
    count = len(hashes)
    if count == 0:
        return []
    cuts = np.flatnonzero(hashes % np.uint64(AVG) == 0).tolist()
    bounds = []
    start = 0
    for cut in cuts:
        # A cut after shingle `cut` ends the chunk at cut + 1; a stretch with no cut is split every MAX_WORDS.
        end = cut + 1
        while end - start > MAX_WORDS:
            bounds.append((start, start + MAX_WORDS))
            start += MAX_WORDS
        if end - start >= MIN_WORDS:
            bounds.append((start, end))
            start = end
    while count - start > MAX_WORDS:
        bounds.append((start, start + MAX_WORDS))
        start += MAX_WORDS
    if start < count:
        # A tail shorter than a chunk joins the chunk before it.
        if bounds and count - start < MIN_WORDS:
            bounds[-1] = (bounds[-1][0], count)
        else:
            bounds.append((start, count))
    return bounds


def chunks(text: str) -> list[tuple[int, int]]:
    """The content-defined chunks of `text` as char spans `(start, end)`."""
    spans = words(text)
    return [_chunk_span(spans, start, end) for start, end in chunk_bounds(shingle_hashes(text, spans))]


def _chunk_span(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    # A chunk owns the words its shingles start at; its last shingle also reaches K-1 words further.
    return spans[start][0], spans[min(end + K - 2, len(spans) - 1)][1]


def band_keys(digests: np.ndarray) -> np.ndarray:
    """The LSH keys of MinHash digests (one row per chunk, NUM_PERM uint32 values): BANDS keys per row, each a
    non-negative int64 made from the band's ROWS values and the band's number."""
    rows = digests.astype(np.uint64).reshape(len(digests), BANDS, ROWS)
    with np.errstate(over="ignore"):
        combined = (np.arange(1, BANDS + 1, dtype=np.uint64) * _POLY[3])[None, :]
        for row in range(ROWS):
            combined = _mix(combined ^ rows[:, :, row]) * _POLY[row % 3]
        return (_mix(combined) & np.uint64(_MASK63)).astype(np.int64).ravel()


def fingerprint(text: str) -> Fingerprint:
    """The LSH keys of `text`'s chunks (see the module notes)."""
    spans = words(text)
    hashes = shingle_hashes(text, spans)
    bounds = chunk_bounds(hashes)
    if not bounds:
        return Fingerprint((), (), len(spans))
    offsets = np.array([0, *(end for _, end in bounds)], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, SEED)
    digests = np.array(matrix.to_rows(), dtype=np.uint32)
    keys = np.unique(band_keys(digests))
    return Fingerprint(
        tuple(keys.tolist()),
        tuple(_chunk_span(spans, start, end) for start, end in bounds),
        len(spans),
    )


def fingerprint_many(texts: list[str]) -> list[tuple[np.ndarray, int]]:
    """Keys (int64) and word counts of texts: the work of `Corpus.add`'s worker processes."""
    found = []
    for text in texts:
        result = fingerprint(text)
        found.append((np.asarray(result.keys, dtype=np.int64), result.n_words))
    return found


def align(text_a: str, text_b: str) -> Alignment:
    """The passages `text_a` and `text_b` share, found exactly from their common shingles."""
    return aligner(text_a)(text_b)


def aligner(text_a: str) -> Callable[[str], Alignment]:
    """`align` with `text_a` fixed, its words and shingles computed (and sorted) once: `aligner(a)(b) ==
    align(a, b)`. For checking one text against many: each check then costs text B's size (and the passages
    found), not text A's, so a 5 MB article checked against 50 candidates stays linear."""
    spans_a = words(text_a)
    hashes_a = shingle_hashes(text_a, spans_a)
    order_a = np.argsort(hashes_a, kind="stable")
    sorted_a = hashes_a[order_a]

    def align_with(text_b: str) -> Alignment:
        spans_b = words(text_b)
        hashes_b = shingle_hashes(text_b, spans_b)
        return _align(text_a, text_b, spans_a, spans_b, hashes_a, hashes_b, order_a, sorted_a)

    return align_with


def _align(
    text_a: str,
    text_b: str,
    spans_a: list[tuple[int, int]],
    spans_b: list[tuple[int, int]],
    hashes_a: np.ndarray,
    hashes_b: np.ndarray,
    order_a: np.ndarray,
    sorted_a: np.ndarray,
) -> Alignment:
    if not len(hashes_a) or not len(hashes_b):
        return Alignment((), 0.0, 0.0)
    # B's shingles found in A, and A's positions of them, by binary search in A's sorted shingles.
    at = np.minimum(np.searchsorted(sorted_a, hashes_b), len(sorted_a) - 1)
    shared_b = np.flatnonzero(sorted_a[at] == hashes_b)
    if not len(shared_b):
        return Alignment((), 0.0, 0.0)
    shared = np.unique(hashes_b[shared_b])
    first, last = np.searchsorted(sorted_a, shared, "left"), np.searchsorted(sorted_a, shared, "right")
    counts = last - first
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    common = np.sort(order_a[np.repeat(first, counts) + offsets])  # A's shingles that B has, in A's order
    positions: dict[int, list[int]] = {}
    for j, value in zip(shared_b.tolist(), hashes_b[shared_b].tolist(), strict=True):
        found = positions.setdefault(value, [])
        if len(found) < _MAX_OCCURRENCES:
            found.append(j)
    # Runs along diagonals: (i, j) continues the run that holds (i - 1, j - 1). A run is [a0, a1, b0, b1]
    # in shingle indexes, inclusive.
    runs: list[list[int]] = []
    open_runs: dict[int, list[int]] = {}  # j of a run's last shingle → run, for runs ending at i - 1
    for i, value in zip(common.tolist(), hashes_a[common].tolist(), strict=True):
        following: dict[int, list[int]] = {}
        for j in positions[value]:
            run = open_runs.get(j - 1)
            if run is not None and run[1] == i - 1:
                run[1], run[3] = i, j
            else:
                run = [i, i, j, j]
                runs.append(run)
            following[j] = run
        open_runs = following
    merged = _merge(runs)
    return _alignment(text_a, text_b, spans_a, spans_b, merged)


def _merge(runs: list[list[int]]) -> list[list[int]]:
    """Runs (in shingle indexes) chained into passages where the next run starts at most MAX_GAP words after
    the previous one ends on both sides. A passage keeps `[a0, a1, b0, b1, matched]`, `matched` being the
    words of A inside its runs (gaps excluded); passages matching fewer than MIN_PASSAGE words are dropped,
    and of overlapping passages the longest is kept."""
    runs = sorted(runs, key=lambda run: (run[0], run[2]))
    passages: list[list[int]] = []
    active: list[list[int]] = []  # passages that a later run could still extend
    for run in runs:
        active = [passage for passage in active if run[0] - passage[1] - 1 <= MAX_GAP]
        fits = [
            passage for passage in active if run[0] - passage[1] - 1 > -K and -K < run[2] - passage[3] - 1 <= MAX_GAP
        ]
        if fits:
            passage = max(fits, key=lambda p: p[4])
            # Words a run adds: those after the passage's last word (a1 + K - 1).
            passage[4] += max(0, run[1] - max(run[0] - K, passage[1]))
            passage[1] = max(passage[1], run[1])
            passage[3] = max(passage[3], run[3])
        else:
            passage = [*run, run[1] - run[0] + K]
            passages.append(passage)
            active.append(passage)
    passages = [passage for passage in passages if passage[4] >= MIN_PASSAGE]
    kept: list[list[int]] = []
    # The kept passages' word ranges on each side never overlap one another, so a sorted list of them per
    # side answers "does this one overlap any kept?" by bisection (a scan of all kept made two long texts
    # sharing thousands of passages quadratic).
    taken_a, taken_b = _Ranges(), _Ranges()
    for passage in sorted(passages, key=lambda p: p[0] - p[1]):
        a, b = (passage[0], passage[1] + K), (passage[2], passage[3] + K)
        if not taken_a.overlaps(*a) and not taken_b.overlaps(*b):
            kept.append(passage)
            taken_a.add(*a)
            taken_b.add(*b)
    return sorted(kept)


class _Ranges:
    """Disjoint half-open ranges `[start, end)`, sorted, with an overlap test by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        at = bisect_right(self.starts, start)
        # Only the range starting at or before `start` and the one after it can reach into [start, end).
        return (at > 0 and self.ends[at - 1] > start) or (at < len(self.starts) and self.starts[at] < end)

    def add(self, start: int, end: int) -> None:
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def _alignment(
    text_a: str, text_b: str, spans_a: list[tuple[int, int]], spans_b: list[tuple[int, int]], merged: list[list[int]]
) -> Alignment:
    passages = []
    covered_a = covered_b = 0
    for a0, a1, b0, b1, _ in merged:
        last_a, last_b = a1 + K - 1, b1 + K - 1
        covered_a += last_a - a0 + 1
        covered_b += last_b - b0 + 1
        passages.append(
            Passage(
                Span.of(text_a, spans_a[a0][0], spans_a[last_a][1]),
                Span.of(text_b, spans_b[b0][0], spans_b[last_b][1]),
            )
        )
    return Alignment(
        tuple(passages),
        round(min(covered_a / len(spans_a), 1.0), 4),
        round(min(covered_b / len(spans_b), 1.0), 4),
    )


def text_sha1(text: str) -> str:
    """The SHA-1 (hex) a stored text is known by: an article whose text has the same one is unchanged."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def computed_jobs(batch: Sequence[Any], known: Mapping[str, tuple[np.ndarray, int]]) -> dict[str, tuple[Future, int]]:
    """Fingerprints computed before (`known`, by `text_sha1`) for the texts of the articles `batch`, in the
    shape of `Corpus.add`'s fingerprinting jobs: sha1 -> (a finished future of a one-item list, 0)."""
    jobs: dict[str, tuple[Future, int]] = {}
    for article in batch:
        sha1 = text_sha1(article.text)
        if sha1 in known and sha1 not in jobs:
            done: Future = Future()
            done.set_result([known[sha1]])
            jobs[sha1] = (done, 0)
    return jobs
