"""Stance of a news headline towards a claim: for, against or observing (the Emergent task).

An article headline takes its stance in a few words around what it repeats of the claim: "Banksy *wasn't*
arrested", "Priest *claims* God is a woman", "*Is* Kim Jong-un ill?". So the headline is read with the words it
shares with the claim (same stem) replaced by one token, `SAME`, which leaves the words that carry the
stance, in place; its word and word-pair hits, and a few numbers in the style of Ferreira & Vlachos (2016)
— question marks, refuting, hedging and confirming words, negation in the headline and in the claim, word
overlap, quotes, a colon, length, and the static-embedding similarity of headline and claim — go into one
logistic regression per class (one against the rest). The word features are scaled by their naive-Bayes
log-count ratios for that class (Wang & Manning 2012), which suits a few thousand short texts.

Trained on Emergent's training split only (`scripts/train_claim_stance.py`; never on FNC-1, whose headlines
overlap Emergent's test split) and shipped as numpy arrays, `models/claim_stance.npz`: the vocabulary, one
weight per n-gram and class (the ratio folded in), the scaling and weights of the numbers, the intercepts.
Scoring needs numpy and the package's embedder only. Probabilities are the three one-against-the-rest
logistic outputs normalised to sum to 1.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.models.embeddings import Embedder
from newsaudit.models.stance import CONFIRMING, HEDGING, REFUTING, STOP_WORDS, stem_cached

LABELS = ("for", "against", "observing")
MODEL_PATH = "models/claim_stance.npz"
#: The token a headline word becomes when the claim has a word of the same stem.
SAME = "SAME"
_TOKEN = re.compile(r"[a-z0-9']+|[?!:\"]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
NEGATIONS = frozenset("not no never nothing none nobody neither nor n't without cannot isn't wasn't".split())
#: Names of the numeric features, in order.
SCALAR_FEATURES = (
    "question",
    "ends_with_question",
    "refuting",
    "hedging",
    "confirming",
    "negations",
    "claim_negations",
    "negation_differs",
    "claim_share",
    "jaccard",
    "tokens",
    "quotes",
    "colon",
    "embedding_cosine",
)


def tokens(text: str) -> list[str]:
    """Lower-cased words (apostrophes kept inside them) and the marks ? ! : and double quote."""
    return _TOKEN.findall(text.lower().translate(_QUOTES))


def residue(claim: str, headline: str) -> list[str]:
    """The headline's tokens with every word that shares a stem with a claim word replaced by `SAME`."""
    stems = {stem_cached(t) for t in tokens(claim)}
    return [SAME if stem_cached(t) in stems and t[0].isalnum() else t for t in tokens(headline)]


def ngrams(sequence: Sequence[str]) -> set[str]:
    """The distinct words and word pairs (joined by a space) of a token sequence."""
    return set(sequence) | {f"{a} {b}" for a, b in pairwise(sequence)}


def scalar_features(claim: str, headline: str, cosine: float) -> list[float]:
    """`SCALAR_FEATURES` of one (claim, headline) pair, given the cosine of their embeddings."""
    head, claim_tokens = tokens(headline), tokens(claim)
    head_content = {stem_cached(t) for t in head if t[0].isalnum() and t not in STOP_WORDS}
    claim_content = {stem_cached(t) for t in claim_tokens if t[0].isalnum() and t not in STOP_WORDS}
    negations, claim_negations = sum(t in NEGATIONS for t in head), sum(t in NEGATIONS for t in claim_tokens)
    shared = len(head_content & claim_content)
    return [
        float("?" in headline),
        float(headline.strip().endswith("?")),
        float(sum(t in REFUTING for t in head)),
        float(sum(t in HEDGING for t in head)),
        float(sum(t in CONFIRMING for t in head)),
        float(negations),
        float(claim_negations),
        float((negations > 0) != (claim_negations > 0)),
        shared / max(len(claim_content), 1),
        shared / max(len(head_content | claim_content), 1),
        float(len(head)),
        float('"' in headline.translate(_QUOTES) or "'" in headline.translate(_QUOTES)),
        float(":" in headline),
        float(cosine),
    ]


def pair_scalars(pairs: Sequence[tuple[str, str]], embedder: Embedder) -> np.ndarray:
    """The numeric features of (claim, headline) pairs, one row each."""
    if not pairs:
        return np.zeros((0, len(SCALAR_FEATURES)), dtype=np.float32)
    claims = embedder.encode([c for c, _ in pairs])
    heads = embedder.encode([h for _, h in pairs])
    cosines = (claims * heads).sum(axis=1)
    return np.array([scalar_features(c, h, s) for (c, h), s in zip(pairs, cosines, strict=True)], dtype=np.float32)


class ClaimStance:
    """The shipped claim ↔ headline stance model: n-gram weights, scaled numeric weights, intercepts."""

    labels = LABELS

    def __init__(
        self,
        vocabulary: Sequence[str],
        weights: np.ndarray,
        scalar_mean: np.ndarray,
        scalar_scale: np.ndarray,
        scalar_weights: np.ndarray,
        intercept: np.ndarray,
        embedder: Embedder | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.index = {gram: i for i, gram in enumerate(vocabulary)}
        self.weights = np.asarray(weights, dtype=np.float64)  # (n-grams, classes)
        self.scalar_mean = np.asarray(scalar_mean, dtype=np.float64)
        self.scalar_scale = np.asarray(scalar_scale, dtype=np.float64)
        self.scalar_weights = np.asarray(scalar_weights, dtype=np.float64)  # (scalars, classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.embedder = embedder or Embedder.default()
        self.meta = meta or {}

    @classmethod
    @cache
    def default(cls) -> ClaimStance:
        """The model shipped in the package, loaded on first use and then shared."""
        return cls.from_bytes(resources.files("newsaudit").joinpath(MODEL_PATH).read_bytes())

    @classmethod
    def from_path(cls, path: str | Path) -> ClaimStance:
        return cls.from_bytes(Path(path).read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> ClaimStance:
        with np.load(io.BytesIO(data)) as arrays:
            vocabulary = str(arrays["vocabulary"][()]).split("\n")
            parts = [arrays[k] for k in ("weights", "scalar_mean", "scalar_scale", "scalar_weights", "intercept")]
            meta = json.loads(str(arrays["meta"][()]))
        return cls(vocabulary, *parts, meta=meta)

    def scores(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """One-against-the-rest decision values, shape (len(pairs), 3), columns in `LABELS` order."""
        pairs = list(pairs)
        scalars = (pair_scalars(pairs, self.embedder) - self.scalar_mean) / self.scalar_scale
        out = scalars @ self.scalar_weights + self.intercept
        for row, (claim, headline) in enumerate(pairs):
            hits = [self.index[g] for g in ngrams(residue(claim, headline)) if g in self.index]
            if hits:
                out[row] += self.weights[hits].sum(axis=0)
        return out

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """The three logistic outputs of each pair, normalised to sum to 1."""
        logistic = 1 / (1 + np.exp(-np.clip(self.scores(pairs), -30, 30)))
        return logistic / logistic.sum(axis=1, keepdims=True)

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """`label` and `probabilities` of each (claim, headline) pair."""
        probabilities = self.probabilities(pairs)
        return [
            {
                "label": LABELS[int(row.argmax())],
                "probabilities": {name: round(float(p), 4) for name, p in zip(LABELS, row, strict=True)},
            }
            for row in probabilities
        ]

    def predict(self, claim: str, headline: str) -> dict[str, Any]:
        """Stance of `headline` towards `claim`: `label` and the three `probabilities`."""
        return self.predict_many([(claim, headline)])[0]
