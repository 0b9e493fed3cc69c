"""Fitting the claim ↔ headline stance model on fictional rows: residues, the fit, the export round trip."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.evaluation.emergent import Row
from newsaudit.models.claim_stance import SAME, ClaimStance, ngrams, residue

pytest.importorskip("sklearn")

from newsaudit.training.claim_stance import C_GRID, choose_c, export, fit, inner_folds

#: Fictional claims, each with headlines for, against and observing it.
CLAIMS = {
    "c1": "Marlow Island ferry will stop running in May",
    "c2": "Brindle zoo panda is pregnant",
    "c3": "Corran dam will be raised by ten metres",
    "c4": "Exampleton mayor bought a gold-plated bicycle",
}
TEMPLATES = {
    "for": ["{claim}", "Confirmed: {claim}", "{claim}, officials announce"],
    "against": ["Hoax: no, {claim} is false", "Officials deny that {claim}", "Fake story says {claim}"],
    "observing": ["Reportedly {claim}?", "Rumour: {claim}, sources claim", "Could it be that {claim}?"],
}


def fictional_rows() -> list[Row]:
    rows = []
    for claim_id, claim in CLAIMS.items():
        for stance, templates in TEMPLATES.items():
            for number, template in enumerate(templates):
                headline = template.format(claim=claim.lower())
                rows.append(Row(claim, headline, stance, f"{claim_id}-{stance}-{number}", claim_id))
    return rows


def test_claim_stance_residue_keeps_only_the_words_the_claim_lacks():
    claim = "Marlow Island ferry will stop running in May"
    assert residue(claim, "Hoax: Marlow ferry never stops") == ["hoax", ":", SAME, SAME, "never", SAME]
    assert ngrams(["a", "b", "c"]) == {"a", "b", "c", "a b", "b c"}


def test_claim_stance_fit_learns_the_fictional_cues_and_holds_out_claims():
    rows = fictional_rows()
    model = fit(rows, c=1.0)
    predicted = [p["label"] for p in model.predict_many([(r.claim, r.headline) for r in rows])]
    assert np.mean([p == r.stance for p, r in zip(predicted, rows, strict=True)]) >= 0.9
    probabilities = model.probabilities([(rows[0].claim, rows[0].headline)])
    assert probabilities.shape == (1, 3) and probabilities.sum() == pytest.approx(1.0)
    # A claim it never saw, with the same cues.
    unseen = "Halden library will open on Sundays"
    assert model.predict(unseen, "Hoax: no, halden library will open on sundays is false")["label"] == "against"


def test_claim_stance_inner_folds_are_claim_disjoint_and_c_comes_from_the_grid():
    rows = fictional_rows()
    folds = inner_folds(rows, k=2)
    for train, test in folds:
        assert not {rows[i].claim_id for i in train} & {rows[i].claim_id for i in test}
    from newsaudit.models.claim_stance import pair_scalars
    from newsaudit.models.embeddings import Embedder

    embedder = Embedder.default()
    scalars = pair_scalars([(r.claim, r.headline) for r in rows], embedder)
    assert choose_c(rows, scalars, embedder, folds) in C_GRID


def test_claim_stance_export_round_trip(tmp_path):
    rows = fictional_rows()
    model = fit(rows, c=0.3)
    export(model, {"version": "fictional"}, tmp_path / "model.npz")
    loaded = ClaimStance.from_path(tmp_path / "model.npz")
    pairs = [(r.claim, r.headline) for r in rows]
    assert np.abs(loaded.scores(pairs) - model.scores(pairs)).max() < 1e-4
    assert loaded.meta == {"version": "fictional"}
