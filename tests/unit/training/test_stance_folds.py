"""The stance fold report: the reweighted FNC score by hand and the per-fold metrics (fictional labels)."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.evaluation.stance import classification_report
from newsaudit.training.stance_folds import fold_report, reweighted_fnc


def test_stance_folds_reweighting_to_the_held_out_share_changes_nothing():
    gold = ["agree", "unrelated", "unrelated", "discuss"]
    predicted = ["agree", "unrelated", "agree", "agree"]
    plain = classification_report(gold, predicted)["fnc_score"]
    assert reweighted_fnc(gold, predicted, unrelated_share=0.5) == plain


def test_stance_folds_reweighted_fnc_by_hand():
    # One related pair right (1.0 of 1.0) and one unrelated pair wrong (0 of 0.25). At an unrelated share of
    # 0.75 the unrelated pair counts three times: 1.0 / (1.0 + 3 × 0.25) = 57.14 %.
    assert reweighted_fnc(["agree", "unrelated"], ["agree", "discuss"], 0.75) == pytest.approx(57.14)
    assert reweighted_fnc(["agree"], ["agree"], 0.75) is None  # no unrelated pair to weight


def test_stance_folds_fold_report_uses_the_biases_for_decisions_not_for_calibration():
    probabilities = np.array([[0.6, 0.3, 0.05, 0.05], [0.6, 0.3, 0.05, 0.05], [0.05, 0.05, 0.1, 0.8]])
    gold = np.array([1, 1, 3])
    unbiased = fold_report(gold, probabilities, np.zeros(4), 0.5)
    biased = fold_report(gold, probabilities, np.array([0.0, 1.0, 0.0, 0.0]), 0.5)
    assert unbiased["accuracy"] == pytest.approx(1 / 3, abs=1e-4) and biased["accuracy"] == 1.0
    assert unbiased["ece"] == biased["ece"]
    assert biased["gold"] == {"agree": 0, "disagree": 2, "discuss": 0, "unrelated": 1}
    assert {"fnc_score", "fnc_score_reweighted", "macro_f1", "f1", "accuracy", "n", "ece"} <= set(biased)
    assert "confusion" not in biased
