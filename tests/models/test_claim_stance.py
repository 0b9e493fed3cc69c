"""The shipped claim ↔ headline stance model (Emergent) on fictional claims and headlines."""

import pytest

from newsaudit.models.claim_stance import LABELS, SCALAR_FEATURES, ClaimStance


@pytest.fixture(scope="module")
def model():
    return ClaimStance.default()


def test_claim_stance_model_loads_with_its_provenance(model):
    assert model.meta["labels"] == list(LABELS) and "Emergent" in model.meta["trained_on"]
    assert model.scalar_weights.shape == (len(SCALAR_FEATURES), len(LABELS))
    assert model.weights.shape == (len(model.index), len(LABELS))


@pytest.mark.parametrize(
    ("headline", "stance"),
    [
        ("Marlow Island lighthouse to close next year", "for"),
        ("Marlow Island lighthouse is not closing, council says rumour is a hoax", "against"),
        ("Is the Marlow Island lighthouse about to close?", "observing"),
    ],
)
def test_claim_stance_model_reads_plain_fictional_headlines(model, headline, stance):
    claim = "Marlow Island lighthouse will close next year"
    found = model.predict(claim, headline)
    assert found["label"] == stance, found
    assert sum(found["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)


def test_claim_stance_model_scores_many_pairs_at_once(model):
    pairs = [("A fictional claim about Brindle", "Brindle headline"), ("Another claim", "")]
    assert [p["label"] in LABELS for p in model.predict_many(pairs)] == [True, True]
    assert model.predict_many([]) == []
