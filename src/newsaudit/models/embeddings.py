"""Sentence embeddings for semantic matching (claims against fact-checks, later stance), with numpy only.

The shipped model (`models/minilm_static/`) is a static embedding table distilled from all-MiniLM-L6-v2
(Apache-2.0) by `scripts/build_embeddings.py` with model2vec's method: one vector per WordPiece token, taken
from the transformer's output for that token alone, reduced by PCA and weighted so that frequent tokens count
less. A text's embedding is the mean of its tokens' vectors, L2-normalised. No transformer runs here: encoding
is a table look-up, so it is fast and needs only numpy and the `tokenizers` wheel (which also lower-cases, as
the model's uncased vocabulary requires). Unknown tokens are dropped; a text with no known token (an empty
one) gets a zero row, whose cosine with anything is 0.

    embedder = Embedder.default()
    matrix = similarity(embedder.encode(claims), embedder.encode(fact_check_titles))
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

#: The shipped model, relative to the package.
MODEL_DIR = "models/minilm_static"
#: Texts encoded per look-up: bounds the temporary (tokens × dim) array to a few tens of MB.
_CHUNK = 512
#: Token vectors gathered at once at most (about 64 MB at 256 dimensions): a longer look-up (a whole 5 MB
#: article, for stance) is summed in slices of this many tokens.
_GATHER = 1 << 16


class Embedder:
    """A static embedding model: a tokenizer and one float32 vector per token id."""

    def __init__(self, tokenizer: Tokenizer, vectors: np.ndarray, meta: dict[str, Any] | None = None) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != tokenizer.get_vocab_size():
            raise ValueError(f"{vectors.shape[0]} vectors for a vocabulary of {tokenizer.get_vocab_size()} tokens")
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._tokenizer = tokenizer
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._unk_id = tokenizer.token_to_id("[UNK]")
        # `encode_batch_fast` (tokenizers >= 0.21) skips computing character offsets, which we never read.
        self._encode_batch = getattr(tokenizer, "encode_batch_fast", tokenizer.encode_batch)
        self.dim: int = int(vectors.shape[1])
        self.meta: dict[str, Any] = meta or {}

    @classmethod
    @cache
    def default(cls) -> Embedder:
        """The model shipped in the package, loaded on first use and then shared."""
        folder = resources.files("newsaudit").joinpath(MODEL_DIR)
        return cls._load(
            folder.joinpath("tokenizer.json").read_text(encoding="utf-8"),
            folder.joinpath("embeddings.npz").read_bytes(),
            folder.joinpath("meta.json").read_text(encoding="utf-8"),
        )

    @classmethod
    def from_dir(cls, path: str | Path) -> Embedder:
        """A model in the layout `scripts/build_embeddings.py` writes (e.g. a variant built for comparison)."""
        folder = Path(path)
        meta = folder / "meta.json"
        return cls._load(
            (folder / "tokenizer.json").read_text(encoding="utf-8"),
            (folder / "embeddings.npz").read_bytes(),
            meta.read_text(encoding="utf-8") if meta.is_file() else "{}",
        )

    @classmethod
    def _load(cls, tokenizer_json: str, npz: bytes, meta_json: str) -> Embedder:
        from tokenizers import Tokenizer

        with np.load(io.BytesIO(npz)) as arrays:
            vectors = arrays["vectors"].astype(np.float32)
            if "scales" in arrays:  # int8 rows, each with its own scale
                vectors *= arrays["scales"].astype(np.float32)[:, None]
        return cls(Tokenizer.from_str(tokenizer_json), vectors, json.loads(meta_json))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text, shape (len(texts), dim); a zero row for a text without tokens."""
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts; wrap a single text in a list")
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), _CHUNK):
            self._sum_into(texts[start : start + _CHUNK], out[start : start + _CHUNK])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def _sum_into(self, texts: list[str], out: np.ndarray) -> None:
        """Write the sum of each text's token vectors into `out` (the mean's direction; it is normalised after)."""
        id_lists = [encoding.ids for encoding in self._encode_batch(texts, add_special_tokens=False)]
        lengths = np.fromiter((len(ids) for ids in id_lists), dtype=np.int64, count=len(id_lists))
        ids = np.fromiter(chain.from_iterable(id_lists), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(id_lists)), lengths)
        if self._unk_id is not None:
            known = ids != self._unk_id
            ids, rows = ids[known], rows[known]
        if not len(ids):
            return
        # `rows` is sorted, so each text's tokens are one run: sum the runs of the texts that have any.
        present, starts = np.unique(rows, return_index=True)
        if len(ids) <= _GATHER:
            out[present] = np.add.reduceat(self._vectors[ids], starts, axis=0)
            return
        ends = [*starts[1:].tolist(), len(ids)]
        for row, start, end in zip(present.tolist(), starts.tolist(), ends, strict=True):
            for first in range(start, end, _GATHER):
                out[row] += self._vectors[ids[first : min(first + _GATHER, end)]].sum(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine similarity of every row of `a` with every row of `b`, shape (len(a), len(b)); 0 for a zero row.

    Rows need not be normalised already; a 1-d vector counts as one row.
    """
    a = _unit_rows(np.atleast_2d(np.asarray(a, dtype=np.float32)))
    b = _unit_rows(np.atleast_2d(np.asarray(b, dtype=np.float32)))
    return a @ b.T


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
