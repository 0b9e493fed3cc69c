"""Stance of an article body towards a headline: agree, disagree, discuss or unrelated (the FNC-1 task).

Each (headline, body) pair is described by a few dozen readable numbers, computed with numpy and the
package's static sentence embeddings only:

- relatedness: TF-IDF cosine of headline and body (and of headline and the body's lead), word, bigram and
  trigram overlap, and the embedding similarity of the headline with the whole body, its lead sentence and
  each of its sentences (max, mean, mean of the top three, where the best match sits);
- stance cues: counts of refuting words ("hoax", "denied", "fake"), hedges ("reportedly", "allegedly",
  "unconfirmed") and confirmations ("confirmed", "announced") in the headline, in the body (per 100 words),
  in its lead and in the three body sentences most similar to the headline, where a stance towards the
  headline's claim is most likely stated;
- the headline's embedding and the mean embedding of those three sentences (2 × 256 values), which let the
  classifier learn what kinds of claims and of reporting go with which stance.

A small neural network (one hidden layer of 128 ReLU units, scikit-learn's `MLPClassifier`), trained by
`scripts/train_stance.py` on FNC-1 and exported with the feature scaling, vocabulary and IDF table to
`models/stance.npz`, turns them into probabilities with two numpy matrix products, so neither scikit-learn
nor anything else is needed at run time. Gradient-boosted trees (LightGBM) on the same features were
measured beside it and did no better on any dev split (see the training script).

Bodies are the expensive part (sentence splitting, embeddings, TF-IDF), and FNC-1-like use pairs one body
with many headlines, so `StanceModel.featurize_bodies` runs once per distinct body and its result can be kept and reused
(`predict_many` does so within a call).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.models.embeddings import Embedder

LABELS = ("agree", "disagree", "discuss", "unrelated")
MODEL_PATH = "models/stance.npz"

_WORD = re.compile(r"[a-z0-9]+")
# Sentence ends: ., ! or ? (optionally closing a quote) before white space and a capital or quote; or a newline.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z0-9\"'“‘(])|\s*\n+\s*")
#: Function words left out of content-word overlaps and of the TF-IDF vocabulary.
STOP_WORDS = frozenset(
    (
        "a an the of to in on at for from by with and or but that this these those it its is are was were be been "
        "being have has had do does did as into about over than then there which who whom what when where while "
        "will would can could may might should he she they we you i his her their our your him them us me my "
        "s t said says also after before up out so if just more most some any all one two new"
    ).split()
)
#: Words that dispute or debunk a claim.
REFUTING = frozenset(
    (
        "fake fakes faked hoax hoaxes false falsely untrue deny denies denied denial denying debunk debunked "
        "debunks debunking bogus fabricated fabrication prank pranks satire satirical myth misleading baseless "
        "refute refuted refutes dismiss dismissed dismisses reject rejected rejects retract retracted retraction "
        "nonsense rumour rumor not no never nothing neither nor doubt doubts doubtful despite fiction fictional "
        "incorrect wrong lie lies lied scam"
    ).split()
)
#: Words that report a claim without vouching for it.
HEDGING = frozenset(
    (
        "reportedly allegedly alleged alleges claim claims claimed claiming purportedly purported supposedly "
        "apparently rumoured rumored unconfirmed unverified uncertain unclear may might could possibly perhaps "
        "possible likely believed believe suggests suggest suggested appears appear seems seem according "
        "report reports reported speculation speculated speculate whether if allegation allegations "
        "says say said told sources source"
    ).split()
)
#: Words that vouch for a claim.
CONFIRMING = frozenset(
    (
        "confirmed confirms confirm confirming officially official announced announces announcement revealed "
        "reveals proof proves proved proven indeed actually fact facts true truly verified statement"
    ).split()
)
_LEXICONS = (REFUTING, HEDGING, CONFIRMING)
_LEAD_TOKENS = 60
_TOP_SENTENCES = 3


def _stem(word: str) -> str:
    """A crude suffix stripper, enough that "denies", "denied" and "deny" meet."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


#: `_stem`, memoised: the stemmer of every feature here and of the FNC-1 baseline the training code rebuilds.
#: Bounded: a long-running process (a server's worker, a batch worker) meets new words without end.
stem_cached = lru_cache(maxsize=1 << 18)(_stem)


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words (apostrophes split them: "don't" gives "don", "t")."""
    return _WORD.findall(text.lower().replace("’", "'"))


def sentences(text: str) -> list[str]:
    """The body's sentences (a rule-based split: the features tolerate an occasional wrong cut)."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and len(part.strip()) > 1]


def _lexicon_counts(tokens: Sequence[str]) -> tuple[int, int, int]:
    return tuple(sum(token in lexicon for token in tokens) for lexicon in _LEXICONS)  # type: ignore[return-value]


def _ngrams(stems: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(stems[i : i + n]) for i in range(len(stems) - n + 1)}


@dataclass(frozen=True, slots=True)
class TfIdf:
    """A vocabulary of stems with their inverse document frequencies (fitted on the training bodies)."""

    index: dict[str, int]
    idf: np.ndarray

    def vector(self, stems: Iterable[str]) -> tuple[dict[int, float], float]:
        """Sparse TF-IDF weights (raw counts times IDF) of a text's stems, and their L2 norm."""
        counts = Counter(self.index[s] for s in stems if s in self.index)
        weights = {i: count * float(self.idf[i]) for i, count in counts.items()}
        return weights, math.sqrt(sum(w * w for w in weights.values()))

    @staticmethod
    def fit(documents: Iterable[Sequence[str]], min_df: int = 2, max_terms: int = 30_000) -> TfIdf:
        """Fit on stemmed documents; terms with fewer than `min_df` documents are dropped."""
        df: Counter[str] = Counter()
        n = 0
        for stems in documents:
            df.update(set(stems))
            n += 1
        terms = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))[:max_terms]
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in terms], dtype=np.float32)
        return TfIdf({t: i for i, t in enumerate(terms)}, idf)


def _cosine(a: tuple[dict[int, float], float], b: tuple[dict[int, float], float]) -> float:
    (wa, na), (wb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(w * wb.get(i, 0.0) for i, w in wa.items()) / (na * nb)


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """What the pair features need from one text (a headline or a body), computed once per text."""

    content: frozenset[str]  # stems of the content words
    lead: frozenset[str]  # content stems among the first words (bodies)
    bigrams: frozenset[tuple[str, ...]]
    trigrams: frozenset[tuple[str, ...]]
    tfidf: tuple[dict[int, float], float]
    lead_tfidf: tuple[dict[int, float], float]
    vector: np.ndarray  # the whole text's embedding
    sentence_vectors: np.ndarray  # one embedding per sentence (bodies; the text itself for headlines)
    sentence_content: tuple[frozenset[str], ...]
    sentence_cues: np.ndarray  # (n_sentences, 3): refuting, hedging, confirming counts
    cues: np.ndarray  # the same for the whole text
    n_words: int
    question: bool


def featurize_texts(texts: Sequence[str], tfidf: TfIdf, embedder: Embedder, split: bool = True) -> list[TextFeatures]:
    """Features of several texts; bodies are split into sentences (`split`), headlines are one sentence."""
    parts = [sentences(text) or [text] if split else [text] for text in texts]
    flat = [sentence for part in parts for sentence in part]
    vectors = embedder.encode(list(texts) + flat)
    whole, sentence_vectors = vectors[: len(texts)], vectors[len(texts) :]
    out, start = [], 0
    for i, (text, part) in enumerate(zip(texts, parts, strict=True)):
        tokens = words(text)
        stems = [stem_cached(t) for t in tokens]
        content = [s for t, s in zip(tokens, stems, strict=True) if t not in STOP_WORDS]
        sentence_tokens = [words(sentence) for sentence in part]
        lead_stems = [stem_cached(t) for t in tokens[:_LEAD_TOKENS]]
        out.append(
            TextFeatures(
                content=frozenset(content),
                lead=frozenset(
                    s for t, s in zip(tokens[:_LEAD_TOKENS], lead_stems, strict=True) if t not in STOP_WORDS
                ),
                bigrams=frozenset(_ngrams(stems, 2)),
                trigrams=frozenset(_ngrams(stems, 3)),
                tfidf=tfidf.vector(content),
                lead_tfidf=tfidf.vector(s for t, s in zip(tokens[:_LEAD_TOKENS], lead_stems, strict=True)),
                vector=whole[i],
                sentence_vectors=sentence_vectors[start : start + len(part)],
                sentence_content=tuple(
                    frozenset(stem_cached(t) for t in toks if t not in STOP_WORDS) for toks in sentence_tokens
                ),
                sentence_cues=np.array([_lexicon_counts(toks) for toks in sentence_tokens], dtype=np.float32).reshape(
                    -1, 3
                ),
                cues=np.array(_lexicon_counts(tokens), dtype=np.float32),
                n_words=len(tokens),
                question="?" in text,
            )
        )
        start += len(part)
    return out


#: Names of the scalar pair features, in order (the embeddings follow them).
SCALAR_FEATURES = (
    "tfidf_cos",
    "tfidf_cos_lead",
    "emb_body",
    "emb_max",
    "emb_mean",
    "emb_top3",
    "emb_lead",
    "emb_argmax_pos",
    "emb_n_over_half",
    "jaccard",
    "share_in_body",
    "share_in_lead",
    "share_in_best",
    "bigram_share",
    "trigram_share",
    "head_words",
    "body_log_words",
    "head_refute",
    "head_hedge",
    "head_confirm",
    "head_question",
    "body_refute",
    "body_hedge",
    "body_confirm",
    "top_refute",
    "top_hedge",
    "top_confirm",
    "lead_refute",
    "lead_hedge",
    "lead_confirm",
)


def pair_features(head: TextFeatures, body: TextFeatures, with_vectors: bool = True) -> np.ndarray:
    """The feature vector of one (headline, body) pair: `SCALAR_FEATURES`, then 2 × 256 embedding values."""
    sims = body.sentence_vectors @ head.vector
    n = len(sims)
    order = np.argsort(-sims)[:_TOP_SENTENCES] if n else np.zeros(0, dtype=np.int64)
    best = int(order[0]) if n else 0
    content = head.content
    size = max(len(content), 1)
    per_100 = 100.0 / max(body.n_words, 1)
    top_cues = body.sentence_cues[order].sum(axis=0) if n else np.zeros(3, dtype=np.float32)
    lead_cues = body.sentence_cues[:2].sum(axis=0) if n else np.zeros(3, dtype=np.float32)
    scalars = [
        _cosine(head.tfidf, body.tfidf),
        _cosine(head.tfidf, body.lead_tfidf),
        float(head.vector @ body.vector),
        float(sims[best]) if n else 0.0,
        float(sims.mean()) if n else 0.0,
        float(sims[order].mean()) if n else 0.0,
        float(sims[0]) if n else 0.0,
        best / max(n - 1, 1),
        float((sims > 0.5).sum()),
        len(content & body.content) / max(len(content | body.content), 1),
        len(content & body.content) / size,
        len(content & body.lead) / size,
        len(content & body.sentence_content[best]) / size if n else 0.0,
        len(head.bigrams & body.bigrams) / max(len(head.bigrams), 1),
        len(head.trigrams & body.trigrams) / max(len(head.trigrams), 1),
        float(len(content)),
        math.log1p(body.n_words),
        *head.cues.tolist(),
        float(head.question),
        *(body.cues * per_100).tolist(),
        *top_cues.tolist(),
        *lead_cues.tolist(),
    ]
    if not with_vectors:
        return np.array(scalars, dtype=np.float32)
    top_vector = body.sentence_vectors[order].mean(axis=0) if n else np.zeros_like(head.vector)
    return np.concatenate([np.array(scalars, dtype=np.float32), head.vector, top_vector]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class Network:
    """A one-hidden-layer ReLU network with its input scaling: standardise, affine, ReLU, affine, softmax."""

    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        hidden = np.maximum(((x - self.mean) / self.scale) @ self.w1 + self.b1, 0.0)
        scores = hidden @ self.w2 + self.b2
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


class StanceModel:
    """The shipped stance classifier: vocabulary, IDF, network, class biases, and the embedder it uses."""

    def __init__(
        self,
        tfidf: TfIdf,
        network: Network,
        embedder: Embedder | None = None,
        bias: np.ndarray | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.tfidf = tfidf
        self.network = network
        self.embedder = embedder or Embedder.default()
        # Added to the log-probabilities before the arg-max: tuned on training folds to trade some accuracy
        # for the rare classes (disagree), whose F1 the macro average weighs as much as the others'.
        self.bias = np.zeros(len(LABELS)) if bias is None else np.asarray(bias, dtype=np.float64)
        self.meta = meta or {}

    @classmethod
    @cache
    def default(cls) -> StanceModel:
        """The model shipped in the package, loaded on first use and then shared."""
        return cls.from_bytes(resources.files("newsaudit").joinpath(MODEL_PATH).read_bytes())

    @classmethod
    def from_path(cls, path: str | Path) -> StanceModel:
        return cls.from_bytes(Path(path).read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> StanceModel:
        with np.load(io.BytesIO(data)) as arrays:
            vocabulary = str(arrays["vocabulary"][()]).split("\n")
            tfidf = TfIdf({term: i for i, term in enumerate(vocabulary)}, arrays["idf"].astype(np.float32))
            network = Network(*(arrays[name].astype(np.float32) for name in ("mean", "scale", "w1", "b1", "w2", "b2")))
            bias = arrays["bias"].astype(np.float64)
            meta = json.loads(str(arrays["meta"][()]))
        return cls(tfidf, network, bias=bias, meta=meta)

    def featurize_bodies(self, bodies: Sequence[str]) -> list[TextFeatures]:
        """Pre-featurise bodies once (sentences, embeddings, TF-IDF), to pair with many headlines."""
        return featurize_texts(bodies, self.tfidf, self.embedder, split=True)

    def featurize_headlines(self, headlines: Sequence[str]) -> list[TextFeatures]:
        return featurize_texts(headlines, self.tfidf, self.embedder, split=False)

    def probabilities(self, heads: Sequence[TextFeatures], bodies: Sequence[TextFeatures]) -> np.ndarray:
        """Class probabilities (columns in `LABELS` order) of featurised (headline, body) pairs."""
        if not heads:
            return np.zeros((0, len(LABELS)))
        x = np.stack([pair_features(h, b) for h, b in zip(heads, bodies, strict=True)])
        return self.network.probabilities(x)

    def decide(self, probabilities: np.ndarray) -> list[str]:
        """Labels from probabilities, after the class biases."""
        adjusted = np.log(np.clip(probabilities, 1e-12, 1.0)) + self.bias
        return [LABELS[i] for i in adjusted.argmax(axis=1)]

    def predict(self, headline: str, body: str) -> dict[str, Any]:
        """Stance of `body` towards `headline`: `label` and the four `probabilities`.

        The probabilities are the network's; the label is chosen after the class biases, so for a close call
        it can be a rarer class (disagree) than the most probable one.
        """
        return self.predict_many([(headline, body)])[0]

    labels = LABELS

    def probabilities_of(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Class probabilities of (headline, body) texts, featurising each distinct headline and body once."""
        pairs = list(pairs)
        head_texts = list(dict.fromkeys(h for h, _ in pairs))
        body_texts = list(dict.fromkeys(b for _, b in pairs))
        heads = dict(zip(head_texts, self.featurize_headlines(head_texts), strict=True))
        bodies = dict(zip(body_texts, self.featurize_bodies(body_texts), strict=True))
        return self.probabilities([heads[h] for h, _ in pairs], [bodies[b] for _, b in pairs])

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """Predict many (headline, body) pairs, featurising each distinct headline and body once."""
        probabilities = self.probabilities_of(pairs)
        labels = self.decide(probabilities)
        return [
            {"label": label, "probabilities": {name: round(float(p), 4) for name, p in zip(LABELS, row, strict=True)}}
            for label, row in zip(labels, probabilities, strict=True)
        ]


def predict(headline: str, body: str) -> dict[str, Any]:
    """Stance of `body` towards `headline` with the shipped model."""
    return StanceModel.default().predict(headline, body)


def predict_many(pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Stances of many (headline, body) pairs with the shipped model."""
    return StanceModel.default().predict_many(pairs)
