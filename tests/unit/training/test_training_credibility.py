"""The rate priors' estimator (`newsaudit.training.credibility.rate_prior`) on made-up counts."""

from __future__ import annotations

import pytest

from newsaudit.training.credibility import MAX_PRIOR_WEIGHT, rate_prior


def test_rate_prior_pools_the_rate_and_weighs_the_prior_by_the_spread_between_articles():
    # Articles whose rates differ far more than counting noise: a light prior.
    varied = [(0, 1000), (40, 1000), (2, 1000), (30, 1000), (1, 1000), (50, 1000)]
    p, k = rate_prior(varied)
    assert p == pytest.approx(123 / 6000)
    assert 0 < k < 200
    # Articles that all share one rate (only counting noise between them): the prior weighs the most it may.
    same = [(5, 1000)] * 6
    assert rate_prior(same) == (pytest.approx(0.005), MAX_PRIOR_WEIGHT)
    # Articles with nothing counted over say nothing.
    assert rate_prior([(0, 0), *varied]) == rate_prior(varied)
