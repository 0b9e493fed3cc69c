"""The two-step stance judge (cheap FNC-1 gate, related-pair encoder) and the encoder's passage, on fictional
pairs; and, when the package ships encoder weights, the ONNX scorer against the training framework's logits."""

import numpy as np
import pytest

from newsaudit.models.embeddings import Embedder
from newsaudit.models.stance import StanceModel
from newsaudit.models.stance_encoder import RELATED_LABELS, StanceEncoder, TwoStepStance, passage
from tests.models.test_stance import BODIES, HEADLINE

PAIRS = [(HEADLINE, body) for body in BODIES.values()]


class FixedSplit:
    """A stand-in encoder (not the thing under test): the same agree/disagree/discuss split for every pair."""

    name = "fixed-split"

    def __init__(self):
        self.meta = {"name": self.name, "gate": 0.2, "bias": [0.0, 0.0, 0.0, 0.0]}
        self.seen = []

    def probabilities(self, pairs):
        self.seen.extend(pairs)
        return np.tile([0.1, 0.7, 0.2], (len(pairs), 1))


def test_two_step_without_encoder_is_the_cheap_model():
    cheap = StanceModel.default()
    judge = TwoStepStance(cheap, None)
    assert judge.predict_many(PAIRS) == cheap.predict_many(PAIRS)
    assert judge.names == (cheap.meta["version"],)


def test_two_step_splits_only_the_related_probability_of_pairs_past_the_gate():
    cheap = StanceModel.default()
    encoder = FixedSplit()
    judge = TwoStepStance(cheap, encoder)
    before = cheap.probabilities_of(PAIRS)
    after = judge.probabilities(PAIRS)
    np.testing.assert_allclose(after.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(after[:, 3], before[:, 3])  # the gate's P(unrelated) is kept
    for row, old, pair in zip(after, before, PAIRS, strict=True):
        related = 1.0 - old[3]
        if related >= judge.gate:
            np.testing.assert_allclose(row[:3], np.array([0.1, 0.7, 0.2]) * related, atol=1e-6)
            assert pair in encoder.seen
        else:
            np.testing.assert_allclose(row, old)
            assert pair not in encoder.seen
    # The unrelated body stays unrelated; the others follow the encoder's split (disagree here).
    labels = [found["label"] for found in judge.predict_many(PAIRS)]
    assert labels[-1] == "unrelated" and set(labels[:3]) == {"disagree"}
    assert judge.names[-1] == "fixed-split"


def test_passage_is_the_lead_and_the_closest_sentences_in_body_order():
    body = (
        "The harbour of Exampleton reopened on Monday. Gulls were loud all week. A giant squid washed up on "
        "Marlow Island beach, the keeper said. Tea prices rose slightly. Marine biologists confirmed the giant "
        "squid on the Marlow Island beach. The weather stayed mild. Squid experts from the Halden Institute "
        "examined the beach find."
    )
    embedder = Embedder.default()
    chosen = passage(embedder.encode([HEADLINE])[0], body, embedder, size=3)
    assert chosen.startswith("The harbour of Exampleton reopened on Monday.")
    assert "giant squid washed up" in chosen and "confirmed the giant squid" in chosen
    assert "Tea prices" not in chosen and "Gulls" not in chosen
    assert chosen.index("washed up") < chosen.index("confirmed")  # body order, not similarity order
    short = "One sentence only. And a second."
    assert passage(embedder.encode([HEADLINE])[0], short, embedder) == short


@pytest.mark.skipif(StanceEncoder.default() is None, reason="no encoder weights shipped in this build")
def test_onnx_scorer_matches_the_training_framework_on_the_parity_pairs():
    encoder = StanceEncoder.default()
    parity = encoder.meta["parity"]
    scores = encoder.logits([(p["headline"], p["passage"]) for p in parity])
    expected = np.array([p["logits"] for p in parity])
    assert scores.shape == (len(parity), len(RELATED_LABELS))
    assert (scores.argmax(axis=1) == expected.argmax(axis=1)).all()
    np.testing.assert_allclose(scores, expected, atol=0.5)  # int8 weights against the float32 network
