"""Text reuse: fingerprints to find articles that share passages (the exact check is `alignment`).

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
- **Alignment** is `newsaudit.stores.corpus.alignment`: the exact check of a candidate pair.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import numpy as np
import rensa

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


WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_MASK64 = (1 << 64) - 1
_MASK63 = (1 << 63) - 1
_WORD_HASHES: dict[str, int] = {}
_WORD_CACHE_LIMIT = 1 << 18
# Odd 64-bit multipliers for the polynomial over a shingle's word hashes and for the band keys.
#: Odd 64-bit multipliers (shingles, band keys and the alignment words' hashes share them).
POLY = np.array(
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
class Fingerprint:
    """A text's LSH keys (sorted, distinct), its chunks as char spans `(start, end)`, and its word count."""

    keys: tuple[int, ...]
    chunks: tuple[tuple[int, int], ...]
    n_words: int


def words(text: str) -> list[tuple[int, int]]:
    """The char spans `(start, end)` of the words of `text` (runs of letters and digits)."""
    return [match.span() for match in WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """The lower-cased words of `text`, in order (the texts of `words`' spans, lower-cased one by one)."""
    if text.isascii():
        # The same words, found faster: in ASCII, lower-casing the whole text first changes no word boundary.
        return _ASCII_WORD.findall(text.lower())
    return list(map(str.lower, WORD.findall(text)))


def _word_hashes(tokens: list[str]) -> np.ndarray:
    cache = _WORD_HASHES
    try:
        # Mostly every word is known already (checking first cost as much as the look-up itself).
        return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    except KeyError:
        pass
    if len(cache) > _WORD_CACHE_LIMIT:
        cache.clear()
    for token in set(tokens).difference(cache):
        cache[token] = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
    return np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))


def mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit affects every output bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(text: str) -> np.ndarray:
    """One stable 64-bit hash (uint64) per shingle: shingle `i` is words `i … i+K-1` of `text`."""
    return _shingles(tokens(text))


def _shingles(found: list[str]) -> np.ndarray:
    if len(found) < K:
        return np.zeros(0, dtype=np.uint64)
    hashes = _word_hashes(found)
    count = len(found) - K + 1
    with np.errstate(over="ignore"):
        combined = hashes[:count] * POLY[0]
        for offset in range(1, K):
            combined = combined + hashes[offset : offset + count] * POLY[offset]
        return mix(combined)


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
    return [_chunk_span(spans, start, end) for start, end in chunk_bounds(shingle_hashes(text))]


def _chunk_span(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    # A chunk owns the words its shingles start at; its last shingle also reaches K-1 words further.
    return spans[start][0], spans[min(end + K - 2, len(spans) - 1)][1]


def band_keys(digests: np.ndarray) -> np.ndarray:
    """The LSH keys of MinHash digests (one row per chunk, NUM_PERM uint32 values): BANDS keys per row, each a
    non-negative int64 made from the band's ROWS values and the band's number."""
    rows = digests.astype(np.uint64).reshape(len(digests), BANDS, ROWS)
    with np.errstate(over="ignore"):
        combined = (np.arange(1, BANDS + 1, dtype=np.uint64) * POLY[3])[None, :]
        for row in range(ROWS):
            combined = mix(combined ^ rows[:, :, row]) * POLY[row % 3]
        return (mix(combined) & np.uint64(_MASK63)).astype(np.int64).ravel()


def fingerprint(text: str) -> Fingerprint:
    """The LSH keys of `text`'s chunks (see the module notes)."""
    keys, bounds, n_words = _keys(text)
    if not bounds:
        return Fingerprint((), (), n_words)
    spans = words(text)
    return Fingerprint(tuple(keys.tolist()), tuple(_chunk_span(spans, start, end) for start, end in bounds), n_words)


def _keys(text: str) -> tuple[np.ndarray, list[tuple[int, int]], int]:
    """`text`'s LSH keys (int64, sorted, distinct), its chunks as shingle ranges, and its word count."""
    found = tokens(text)
    hashes = _shingles(found)
    bounds = chunk_bounds(hashes)
    if not bounds:
        return np.zeros(0, dtype=np.int64), bounds, len(found)
    offsets = np.array([0, *(end for _, end in bounds)], dtype=np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, NUM_PERM, SEED)
    digests = np.array(matrix.to_rows(), dtype=np.uint32)
    return np.unique(band_keys(digests)), bounds, len(found)


def keys_of(text: str) -> tuple[np.ndarray, int]:
    """`text`'s LSH keys (int64) and word count, without the chunks' char spans `fingerprint` adds: what
    indexing and looking up need."""
    keys, _, n_words = _keys(text)
    return keys, n_words


def fingerprint_many(texts: list[str]) -> list[tuple[np.ndarray, int]]:
    """`keys_of` each text: the work of `Corpus.add`'s worker processes."""
    return [keys_of(text) for text in texts]


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
