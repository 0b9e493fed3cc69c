"""Spread and discrimination of a score, on made-up numbers."""

from __future__ import annotations

import pytest

from newsaudit.evaluation.discrimination import fold_aucs, percentile, spread, summary

pytest.importorskip("sklearn")


def test_fold_aucs_per_fold_and_none_for_a_one_label_fold():
    low = [True, False, True, False, True, True]
    probability = [0.9, 0.1, 0.4, 0.6, 0.8, 0.7]
    fold_of = [0, 0, 1, 1, 2, 2]
    assert fold_aucs(low, probability, fold_of) == [1.0, 0.0, None]
    measured = summary([1.0, 0.0, None])
    assert measured == {"auc_folds": [1.0, 0.0, None], "auc_fold_mean": 0.5, "auc_fold_std": 0.5}
    assert summary([None])["auc_fold_mean"] is None


def test_spread_gives_percentiles_and_band_shares_of_all_articles():
    scores = [10.0, 45.0, 50.0, 55.0, 80.0]
    found = spread(scores, not_assessed=5)
    assert (found["n"], found["min"], found["p50"], found["max"]) == (5, 10.0, 50.0, 80.0)
    assert found["bands"] == {"low": 0.1, "mixed": 0.3, "high": 0.1, "not_assessed": 0.5}
    assert percentile([0.0, 10.0], 25) == pytest.approx(2.5)
    assert spread([], 2) == {"n": 0, "bands": {"low": 0.0, "mixed": 0.0, "high": 0.0, "not_assessed": 1.0}}
