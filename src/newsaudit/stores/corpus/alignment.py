"""Exact alignment of two texts: the passages they share, found from their common shingles, with the share of
each text those passages cover. The check behind every reuse candidate (`Corpus.find_reuse`), copy families
and the story layer's copies.

Shingles present in both texts are chained along diagonals, runs closer than `MAX_GAP` words on both sides are
merged into passages, and each passage is a pair of char spans (`Passage.a` in text A, `Passage.b` in text B).
`share_a` is the fraction of A's words inside passages, `share_b` of B's. Words are read by `WordReader` (numpy
over the code points); the LSH keys the store keeps are `fingerprints`' and do not depend on this module.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from newsaudit.schema import Span
from newsaudit.stores.corpus.fingerprints import POLY, WORD, K, mix

#: Runs of shared shingles at most MAX_GAP words apart (on both sides) form one passage; passages whose runs
#: hold fewer than MIN_PASSAGE words are dropped (stock phrases, "according to a statement from").
MAX_GAP = 8
MIN_PASSAGE = 10
#: A shingle repeated more than this many times in text B is matched at its first occurrences only.
_MAX_OCCURRENCES = 8


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


class WordReader:
    """The words of a text as numpy arrays, for alignment: char starts and ends (the spans of `words`: maximal
    runs of letters and digits) and a 64-bit hash per word of its characters, each lower-cased alone.

    The text's code points (UTF-32) are looked up in a table of all of Unicode built once per process (0: not a
    word character; else the character's lower case, its first character when that is longer), so finding the
    words is a few array operations; a word's hash is a polynomial over its characters
    (`Σ char_k · BASE^k mod 2^64`, finalised with its length), summed per word with `np.add.reduceat`."""

    BASE = np.uint64(0x100000001B3)

    def __init__(self) -> None:
        self._table: np.ndarray | None = None
        self._powers = np.ones(1, dtype=np.uint64)

    def table(self) -> np.ndarray:
        if self._table is None:
            table = np.zeros(0x110000, dtype=np.uint32)
            # Every character `[^\W_]` matches (one regex scan of all of Unicode, surrogates left out), each
            # lower-cased alone: joined by NULs, which no lower case holds and which end any final-sigma context.
            everything = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
            chars = "".join(WORD.findall(everything))
            codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
            lowered = "\x00".join(chars).lower().split("\x00")
            table[codes] = np.fromiter(map(ord, (low[0] for low in lowered)), dtype=np.uint32, count=len(codes))
            self._table = table
        return self._table

    def powers(self, length: int) -> np.ndarray:
        if len(self._powers) < length:
            size = max(length, 2 * len(self._powers))
            powers = np.empty(size, dtype=np.uint64)
            powers[0] = 1
            with np.errstate(over="ignore"):
                for at in range(1, size):
                    powers[at] = powers[at - 1] * self.BASE
            self._powers = powers
        return self._powers

    def read(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`(starts, ends, hashes)` of `text`'s words (int64, int64, uint64)."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        lowered = self.table()[codes]
        is_word = lowered != 0
        if not is_word.any():
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.uint64)
        edges = np.diff(is_word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        lengths = ends - starts
        # Each word character's place in its word: its index minus its word's start.
        places = np.arange(int(lengths.sum()), dtype=np.int64)
        offsets = np.cumsum(lengths) - lengths
        places -= np.repeat(offsets, lengths)
        with np.errstate(over="ignore"):
            terms = lowered[is_word].astype(np.uint64) * self.powers(int(lengths.max()))[places]
            hashes = np.add.reduceat(terms, offsets) ^ (lengths.astype(np.uint64) * POLY[5])
        return starts, ends, mix(hashes)


READER = WordReader()


def _shingles_of(word_hashes: np.ndarray) -> np.ndarray:
    """Shingle hashes (as `shingle_hashes`) over given word hashes."""
    count = len(word_hashes) - K + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        combined = word_hashes[:count] * POLY[0]
        for offset in range(1, K):
            combined = combined + word_hashes[offset : offset + count] * POLY[offset]
        return mix(combined)


def align(text_a: str, text_b: str) -> Alignment:
    """The passages `text_a` and `text_b` share, found exactly from their common shingles."""
    return aligner(text_a)(text_b)


def aligner(text_a: str) -> Aligner:
    """`align` with `text_a` fixed: `aligner(a)(b) == align(a, b)` (see `Aligner`)."""
    return Aligner(text_a)


@dataclass(frozen=True, slots=True)
class Overlap:
    """What text A shares with a text B, before any span is cut from the texts: each text's share covered, the
    passages in word indexes (`[a0, a1, b0, b1, matched]`, shingle indexes inclusive) and the same passages as
    char offsets `(a_start, a_end, b_start, b_end)`."""

    share_a: float
    share_b: float
    merged: tuple[tuple[int, ...], ...]
    chars: tuple[tuple[int, int, int, int], ...] = ()


_NOTHING = Overlap(0.0, 0.0, ())


class Aligner:
    """Text A's words and shingles computed (and sorted) once, for checking it against many texts: each check
    then costs text B's size (and the passages found), not text A's, so a 5 MB article checked against 50
    candidates stays linear. `overlap(b)` gives the shares and the passages' offsets; `alignment(b, overlap)`
    cuts the passages' spans out of the texts, so a caller keeping only the best few pays that only for them.

    Alignment reads words with `WordReader` (numpy over the code points, several times faster than a regex and
    a hash per word, which dominated a look-up's time): the same words as `words`, each known by a hash of its
    characters lower-cased one by one. Only alignment uses these hashes, so the stored LSH keys (`fingerprint`)
    are untouched."""

    def __init__(self, text_a: str) -> None:
        self.text_a = text_a
        self.starts_a, self.ends_a, hashes = READER.read(text_a)
        self.hashes_a = _shingles_of(hashes)
        self.order_a = np.argsort(self.hashes_a, kind="stable")
        self.sorted_a = self.hashes_a[self.order_a]

    def __call__(self, text_b: str) -> Alignment:
        return self.alignment(text_b, self.overlap(text_b))

    def overlap(self, text_b: str) -> Overlap:
        starts_b, ends_b, hashes = READER.read(text_b)
        merged = self._merged(_shingles_of(hashes))
        if not merged:
            return _NOTHING
        covered_a = covered_b = 0
        for a0, a1, b0, b1, _ in merged:
            covered_a += a1 + K - a0
            covered_b += b1 + K - b0
        starts_a, ends_a = self.starts_a, self.ends_a
        return Overlap(
            round(min(covered_a / len(ends_a), 1.0), 4),
            round(min(covered_b / len(hashes), 1.0), 4),
            tuple(tuple(passage) for passage in merged),
            tuple(
                (int(starts_a[a0]), int(ends_a[a1 + K - 1]), int(starts_b[b0]), int(ends_b[b1 + K - 1]))
                for a0, a1, b0, b1, _ in merged
            ),
        )

    def alignment(self, text_b: str, overlap: Overlap) -> Alignment:
        """The `Alignment` of `overlap` (from `overlap(text_b)`), with char spans in both texts."""
        if not overlap.merged:
            return Alignment((), 0.0, 0.0)
        passages = tuple(
            Passage(Span.of(self.text_a, a_start, a_end), Span.of(text_b, b_start, b_end))
            for a_start, a_end, b_start, b_end in overlap.chars
        )
        return Alignment(passages, overlap.share_a, overlap.share_b)

    def _merged(self, hashes_b: np.ndarray) -> list[list[int]]:
        hashes_a, order_a, sorted_a = self.hashes_a, self.order_a, self.sorted_a
        if not len(hashes_a) or not len(hashes_b):
            return []
        # B's shingles found in A, and A's positions of them, by binary search in A's sorted shingles.
        at = np.minimum(np.searchsorted(sorted_a, hashes_b), len(sorted_a) - 1)
        shared_b = np.flatnonzero(sorted_a[at] == hashes_b)
        if not len(shared_b):
            return []
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
        return _merge(runs)


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
