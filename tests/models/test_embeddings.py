"""The shipped static sentence embeddings. Every sentence here is fiction written for the purpose."""

from __future__ import annotations

import io
import json
from importlib import resources

import numpy as np
import pytest

from newsaudit.models.embeddings import MODEL_DIR, Embedder, similarity

# Paraphrase pairs that share few content words, so that only the vectors (not token overlap) can match them.
PARAPHRASES = [
    (
        "The mayor resigned on Monday after weeks of pressure.",
        "The town's leader stepped down at the start of the week.",
    ),
    (
        "Heavy rain flooded the harbour district overnight.",
        "A storm left streets near the port under water by morning.",
    ),
    (
        "Scientists found a new species of frog in the rainforest.",
        "Researchers discovered a previously unknown amphibian in the jungle.",
    ),
    ("The factory will cut 300 jobs next year.", "Hundreds of workers at the plant are to be laid off in 2027."),
    ("Ticket prices for the city's buses are going up.", "Public transport fares will rise."),
    ("The striker scored twice in the final.", "He netted two goals in the championship match."),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder.default()


def _paraphrase_margins(embedder: Embedder) -> np.ndarray:
    """For each pair: its cosine minus the best cosine of either side with another pair's sentence."""
    sims = similarity(embedder.encode([a for a, _ in PARAPHRASES]), embedder.encode([b for _, b in PARAPHRASES]))
    others = sims.copy()
    np.fill_diagonal(others, -np.inf)
    return np.diag(sims) - np.maximum(others.max(axis=1), others.max(axis=0))


def test_shape_dtype_and_unit_rows(embedder: Embedder) -> None:
    vectors = embedder.encode(["Harbor officials denied the report.", "A tanker leaked fuel near the terminal."])
    assert vectors.shape == (2, embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_empty_inputs(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, embedder.dim)
    vectors = embedder.encode(["", "   ", "Ida Fenwick said the sensors recorded nothing."])
    assert not vectors[:2].any()
    assert np.linalg.norm(vectors[2]) == pytest.approx(1.0, rel=1e-5)
    assert similarity(vectors[:1], vectors[2:]).item() == 0.0
    with pytest.raises(TypeError):
        embedder.encode("a single string is not a sequence of texts")


def test_deterministic_and_independent_of_batching(embedder: Embedder) -> None:
    texts = [f"Report {i}: the council met on day {i} to discuss the bay." for i in range(600)]  # > one chunk
    together = embedder.encode(texts)
    np.testing.assert_array_equal(together, embedder.encode(texts))
    np.testing.assert_allclose(
        together[[0, 511, 512, 599]], embedder.encode([texts[i] for i in (0, 511, 512, 599)]), atol=1e-6
    )


def test_case_is_ignored(embedder: Embedder) -> None:
    lower, upper = embedder.encode(["the harbour master denied it", "THE HARBOUR MASTER DENIED IT"])
    np.testing.assert_allclose(lower, upper, atol=1e-6)


def test_paraphrases_beat_unrelated_sentences(embedder: Embedder) -> None:
    margins = _paraphrase_margins(embedder)
    assert (margins > 0).all(), margins
    assert margins.mean() > 0.1, margins


def test_the_paraphrase_check_fails_on_broken_weights(embedder: Embedder) -> None:
    from tokenizers import Tokenizer

    folder = resources.files("newsaudit").joinpath(MODEL_DIR)
    tokenizer = Tokenizer.from_str(folder.joinpath("tokenizer.json").read_text(encoding="utf-8"))
    with np.load(io.BytesIO(folder.joinpath("embeddings.npz").read_bytes())) as arrays:
        vectors = arrays["vectors"].astype(np.float32)
    shuffled = Embedder(tokenizer, vectors[np.random.default_rng(0).permutation(len(vectors))])
    margins = _paraphrase_margins(shuffled)
    assert not ((margins > 0).all() and margins.mean() > 0.1)


def test_similarity_is_cosine() -> None:
    a = np.array([[3.0, 4.0], [0.0, 0.0]])
    b = np.array([1.0, 0.0])
    np.testing.assert_allclose(similarity(a, b), [[0.6], [0.0]], atol=1e-6)
    assert similarity(a, a).shape == (2, 2)


def test_default_is_loaded_once_with_provenance(embedder: Embedder) -> None:
    assert Embedder.default() is embedder
    meta = json.loads(resources.files("newsaudit").joinpath(MODEL_DIR, "meta.json").read_text(encoding="utf-8"))
    assert meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert meta["base_model_license"] == "Apache-2.0"
    assert meta["dims"] == embedder.dim
