"""Attribution roles token by token — source, cue, content or none — from a small convolutional tagger.

The rules of `newsaudit.stages.attribution` know the grammar of attribution; what they cannot see is the long tail
of cue words that are cues only in context ("Trump wants …" is an attitude, a "want" inside a quotation is
not; "support" is sometimes a stance and mostly not) and where a source phrase ends. The tagger reads each
token in its context and gives the probability of each role, which attribution uses to accept its candidate
cues and to trim the sources it found (`newsaudit.stages.attribution`).

Its input is what spaCy has already computed, so it costs little: the 96 contextual numbers per token of the
pipeline's own `tok2vec` layer (`doc.tensor`), the part of speech, fine tag, dependency label and entity of
each token, its lemma (a learned embedding for the 6,000 commonest in PolNeAR train), the kind of cue word the
lemma is in the hand lexicon (`lexicons/attribution.toml`: speech, belief, denial …) and the kind of the
nearest such word above it in the parse (within four steps: what reports the clause it sits in), how far
and in which direction its head lies and the head's label, and a few flags (inside quotation marks, a quote mark,
starting a sentence or paragraph, in a paragraph that opens with a quote, punctuation, capitalised, has
dependents). These go through a projection, five residual convolutions of width three (dilated 1, 2, 4, 8, 1:
each token sees about 16 tokens either side) and a softmax over the four roles. numpy only; the weights
(`models/roles.npz`) are trained on PolNeAR train by `scripts/train_roles.py`.

`doc.tensor` belongs to the pipeline that made it, so the tagger runs only on Docs from the pipeline it was
trained with (`RoleTagger.accepts`); with any other pipeline, attribution falls back to its rules and the
lexical cue model alone.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from newsaudit.nlp import doc_text, lemma, pipeline_name, quotation_spans
from newsaudit.resources import package_bytes, package_file_exists

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The roles, in the order of the tagger's output columns (PolNeAR gives each token at most one).
ROLES = ("none", "source", "cue", "content")
NONE, SOURCE, CUE, CONTENT = range(4)
MODEL_PATH = "models/roles.npz"
#: spaCy's universal part-of-speech tags, the tagger's "pos" vocabulary.
POS_TAGS = (
    "ADJ",
    "ADP",
    "ADV",
    "AUX",
    "CCONJ",
    "DET",
    "INTJ",
    "NOUN",
    "NUM",
    "PART",
    "PRON",
    "PROPN",
    "PUNCT",
    "SCONJ",
    "SYM",
    "VERB",
    "X",
    "SPACE",
)
#: The categorical inputs, in column order; each has a vocabulary table in the model file (0 = unknown).
CATEGORICAL = ("pos", "tag", "dep", "ent", "lemma", "cue_kind", "ancestor_kind", "head_distance", "head_dep")
#: How many steps up the parse a token looks for a cue word of the hand lexicon above it ("ancestor_kind").
ANCESTOR_STEPS = 4
#: The binary inputs, in column order.
FLAGS = (
    "in_quotation",
    "quote_mark",
    "sentence_start",
    "paragraph_start",
    "paragraph_opens_with_quote",
    "punctuation",
    "capitalised",
    "has_dependents",
)
#: The convolutions' dilations; the receptive field is 1 + 2 × sum(dilations) tokens.
DILATIONS = (1, 2, 4, 8, 1)
#: Docs longer than this many tokens go through the network in windows of this size (each with the
#: receptive field's tokens either side as context), so a 5 MB text needs tens of MB, not gigabytes; the
#: probabilities are those of one pass (to float rounding), and Docs up to this size take the one pass itself.
WINDOW = 16_384
_QUOTE_CHARS = frozenset("\"“'‘")
_IOB = {1: 2, 3: 1}  # spaCy's ENT_IOB codes (1 = I, 3 = B) -> 2 = inside, 1 = beginning; 0 otherwise


@dataclass(frozen=True)
class RoleTagger:
    """The tagger's weights and vocabularies; call it on a Doc for an (n_tokens, 4) array of probabilities."""

    weights: dict[str, np.ndarray]
    vocabularies: dict[str, tuple[str, ...]]
    pipeline: str
    tensor_width: int
    #: lemma -> kind of cue word, the hand lexicon as it was when the tagger was trained.
    cue_kinds: dict[str, str]

    @classmethod
    @cache
    def default(cls) -> RoleTagger | None:
        """The shipped tagger, or None where the package has no model file."""
        if not package_file_exists(MODEL_PATH):
            return None
        return cls.from_bytes(package_bytes(MODEL_PATH))

    @classmethod
    def from_bytes(cls, data: bytes) -> RoleTagger:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            weights = {name: archive[name].astype(np.float32) for name in archive.files if name != "meta"}
        return cls(
            weights=weights,
            vocabularies={name: tuple(values) for name, values in meta["vocabularies"].items()},
            pipeline=meta["pipeline"],
            tensor_width=int(meta["tensor_width"]),
            cue_kinds=meta["cue_kinds"],
        )

    def accepts(self, doc: Doc) -> bool:
        """Whether `doc` comes from the pipeline the tagger was trained on (its `tensor` means the same)."""
        return (
            pipeline_name(doc.vocab) == self.pipeline
            and doc.tensor is not None
            and doc.tensor.ndim == 2
            and doc.tensor.shape == (len(doc), self.tensor_width)
        )

    def __call__(self, doc: Doc) -> np.ndarray:
        """P(role) for every token of `doc`, rows in token order, columns as `ROLES`."""
        if len(doc) == 0:
            return np.zeros((0, len(ROLES)), dtype=np.float32)
        categorical, flags = token_features(doc, self._lookups(doc))
        return self.forward(categorical, flags, np.asarray(doc.tensor, dtype=np.float32))

    def forward(
        self, categorical: np.ndarray, flags: np.ndarray, tensor: np.ndarray, window: int = WINDOW
    ) -> np.ndarray:
        """The network on prepared inputs (also what the training script checks its export against), in
        windows of `window` tokens when there are more."""
        n = len(categorical)
        if n <= window:
            return self._forward(categorical, flags, tensor)
        margin = sum(DILATIONS)  # how far a token's output sees: outside a window's margin it is exact
        out = np.empty((n, len(ROLES)), dtype=np.float32)
        for start in range(0, n, window):
            end = min(start + window, n)
            lo, hi = max(start - margin, 0), min(end + margin, n)
            probabilities = self._forward(categorical[lo:hi], flags[lo:hi], tensor[lo:hi])
            out[start:end] = probabilities[start - lo : end - lo]
        return out

    def _forward(self, categorical: np.ndarray, flags: np.ndarray, tensor: np.ndarray) -> np.ndarray:
        w = self.weights
        parts = [w[f"embed.{name}"][categorical[:, column]] for column, name in enumerate(CATEGORICAL)]
        hidden = np.concatenate([*parts, flags, tensor], axis=1) @ w["proj.weight"] + w["proj.bias"]
        np.maximum(hidden, 0.0, out=hidden)
        n, width = hidden.shape
        for layer, dilation in enumerate(DILATIONS):
            # A width-3 convolution over [token - d, token, token + d] (zeros beyond the edges), as three
            # products of the unpadded rows: no (n, 3 * width) window is built.
            weight = w[f"conv{layer}.weight"]
            update = hidden @ weight[width : 2 * width] + w[f"conv{layer}.bias"]
            if dilation < n:
                update[dilation:] += hidden[:-dilation] @ weight[:width]
                update[:-dilation] += hidden[dilation:] @ weight[2 * width :]
            np.maximum(update, 0.0, out=update)
            hidden = _layer_norm(hidden + update, w[f"norm{layer}.weight"], w[f"norm{layer}.bias"])
        logits = hidden @ w["out.weight"] + w["out.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        return logits

    def _lookups(self, doc: Doc) -> dict[str, dict[int, int]]:
        return _lookups_for(self, doc.vocab)


_LOOKUPS: dict[tuple[int, int], dict[str, dict[int, int]]] = {}


def _lookups_for(tagger: RoleTagger, vocab) -> dict[str, dict[int, int]]:
    """Each vocabulary as {the id spaCy's `Doc.to_array` gives: index}, built once per tagger and vocab."""
    key = (id(tagger), id(vocab))
    tables = _LOOKUPS.get(key)
    if tables is None:
        from spacy.parts_of_speech import IDS

        tables: dict[str, dict] = {}
        for name in ("pos", "tag", "dep", "ent"):
            values = tagger.vocabularies.get(name, ())
            if name == "pos":
                tables[name] = {IDS[v]: i + 1 for i, v in enumerate(values) if v in IDS}
            else:
                tables[name] = {vocab.strings.add(v): i + 1 for i, v in enumerate(values)}
        tables["lemma"] = {v: i + 1 for i, v in enumerate(tagger.vocabularies.get("lemma", ()))}
        kinds = {v: i + 1 for i, v in enumerate(tagger.vocabularies.get("cue_kind", ()))}
        tables["cue_kind"] = {word: kinds.get(kind, 0) for word, kind in tagger.cue_kinds.items()}
        _LOOKUPS[key] = tables
    return tables


def token_features(doc: Doc, lookups: dict[str, dict[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The tagger's inputs for each token: categorical indices (columns `CATEGORICAL`) and flags (`FLAGS`)."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IDX, IS_PUNCT, IS_QUOTE, ORTH, POS, SENT_START, TAG

    columns = doc.to_array([POS, TAG, DEP, ENT_TYPE, ENT_IOB, ORTH, IS_PUNCT, IS_QUOTE, SENT_START])
    head = doc.to_array([HEAD]).astype(np.int64).reshape(-1)  # relative offsets; negative ones wrap in uint64
    starts = doc.to_array([IDX]).astype(np.int64).reshape(-1)
    n = len(doc)

    def mapped(values: np.ndarray, table: dict[int, int]) -> np.ndarray:
        return np.fromiter((table.get(v, 0) for v in values.tolist()), dtype=np.int64, count=len(values))

    categorical = np.zeros((n, len(CATEGORICAL)), dtype=np.int64)
    categorical[:, 0] = mapped(columns[:, 0], lookups["pos"])
    categorical[:, 1] = mapped(columns[:, 1], lookups["tag"])
    dep = mapped(columns[:, 2], lookups["dep"])
    categorical[:, 2] = dep
    iob = np.fromiter((_IOB.get(v, 0) for v in columns[:, 4].tolist()), dtype=np.int64, count=n)
    categorical[:, 3] = mapped(columns[:, 3], lookups["ent"]) * 3 + iob
    lemmas = _lemmas(doc, columns[:, 5], columns[:, 0])
    categorical[:, 4] = np.fromiter((lookups["lemma"].get(w, 0) for w in lemmas), dtype=np.int64, count=n)
    kind = np.fromiter((lookups["cue_kind"].get(w, 0) for w in lemmas), dtype=np.int64, count=n)
    categorical[:, 5] = kind
    parent = np.arange(n) + head
    current = np.arange(n)
    above = np.zeros(n, dtype=np.int64)
    for _ in range(ANCESTOR_STEPS):
        moved = parent[current] != current
        current = np.where(moved, parent[current], current)
        newly = moved & (above == 0) & (kind[current] > 0)  # the first kind found counts; the root stops
        above[newly] = kind[current][newly]
    categorical[:, 6] = above
    distance = np.minimum(np.abs(head), 5) + 1
    categorical[:, 7] = np.where(head == 0, 0, np.sign(head) * distance + 7)
    categorical[:, 8] = dep[parent]

    text = doc_text(doc)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    quoted = np.zeros(len(text) + 1, dtype=bool)
    for start, end in quotation_spans(text):
        quoted[start:end] = True
    newline = points == 10
    last_newline = np.maximum.accumulate(np.where(newline, np.arange(len(points)), -1)) if len(points) else points
    # Where each token's paragraph begins: just after the last line break before it.
    paragraph_start = np.where(starts > 0, last_newline[np.maximum(starts - 1, 0)] + 1, 0)
    opens_with_quote = np.fromiter(
        (text[p] in _QUOTE_CHARS if p < len(text) else False for p in paragraph_start.tolist()), dtype=bool, count=n
    )
    children = np.bincount((np.arange(n) + head)[head != 0], minlength=n)
    flags = np.zeros((n, len(FLAGS)), dtype=np.float32)
    flags[:, 0] = quoted[starts]
    flags[:, 1] = columns[:, 7]
    flags[:, 2] = columns[:, 8] == 1
    flags[:, 3] = paragraph_start == starts
    flags[:, 4] = opens_with_quote
    flags[:, 5] = columns[:, 6]
    flags[:, 6] = np.fromiter((text[s].isupper() for s in starts.tolist()), dtype=bool, count=n)
    flags[:, 7] = children > 0
    return categorical, flags


def _lemmas(doc: Doc, orths: np.ndarray, pos: np.ndarray) -> list[str]:
    """Each token's lower-cased lemma, computed once per distinct (word, part of speech) in the Doc."""
    first: dict[tuple[int, int], int] = {}
    keys = list(zip(orths.tolist(), pos.tolist(), strict=True))
    for i, key in enumerate(keys):
        first.setdefault(key, i)
    known = {key: lemma(doc[i]).lower() for key, i in first.items()}
    return [known[key] for key in keys]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    mean = x.mean(axis=1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def role_runs(probabilities: np.ndarray, role: int, threshold: float = 0.5) -> list[tuple[int, int]]:
    """Maximal runs [start, end) of consecutive tokens whose probability of `role` is at least `threshold`."""
    on = probabilities[:, role] >= threshold
    if not on.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
