"""The credibility model: weights in points, bands, reputation, and the shipped model file's promises."""

from __future__ import annotations

import json

import pytest

from newsaudit.models.credibility import CredibilityModel, Feature, band
from newsaudit.resources import package_text
from newsaudit.schema import CREDIBILITY_BANDS, Signal


def toy_model(**reputation: float) -> CredibilityModel:
    return CredibilityModel(
        "toy",
        (
            Feature("anonymous_sourcing", "identity", 2.0, 0.0, True),
            Feature("named_sources", "log1p", -1.0, 0.0, True),
            Feature("self_declared_badge", "cap1", 1.0, 0.0, False, "set"),
        ),
        0.0,
        (1.0, 0.0),
        reputation,
    )


def signals(**values: float) -> list[Signal]:
    return [Signal(name, value, "neutral", f"{name} measured") for name, value in values.items()]


def test_signal_at_its_reference_weighs_nothing():
    weighted, credibility = toy_model().assess(signals(anonymous_sourcing=0.0, named_sources=0.0))
    assert credibility.score == pytest.approx(50.0)
    assert all(s.weight == 0 and s.direction == "neutral" for s in weighted)
    assert credibility.top_signals == ()


def test_weights_are_points_moved_and_set_the_direction():
    weighted, credibility = toy_model().assess(
        signals(anonymous_sourcing=1.0, named_sources=3.0, self_declared_badge=1.0, missing_byline=1.0)
    )
    by_name = {s.name: s for s in weighted}
    assert by_name["anonymous_sourcing"].weight < 0 and by_name["anonymous_sourcing"].direction == "lowers"
    assert by_name["named_sources"].weight > 0 and by_name["named_sources"].direction == "raises"
    assert by_name["missing_byline"].weight == 0 and by_name["missing_byline"].direction == "neutral"
    # Each weight is the score with the signal minus the score without it.
    model = toy_model()
    without = dict(anonymous_sourcing=0.0, named_sources=3.0, self_declared_badge=1.0)
    score_without = 100 * (1 - model.probability(model.log_odds(without)))
    assert by_name["anonymous_sourcing"].weight == pytest.approx(credibility.score - score_without, abs=0.1)
    assert credibility.top_signals[0] == "anonymous_sourcing"  # the largest move first
    assert set(credibility.top_signals) == {"anonymous_sourcing", "named_sources", "self_declared_badge"}


def test_caps_keep_a_signal_from_running_away():
    once = toy_model().assess(signals(self_declared_badge=1.0))[1].score
    many = toy_model().assess(signals(self_declared_badge=7.0))[1].score
    assert once == many < 50


def test_reputation_moves_the_score_and_unknown_is_not_reliable():
    model = toy_model(unreliable=1.5, reliable=-1.0, unknown=0.0)
    base = model.assess([])[1]
    unknown = model.assess([], "unknown")[1]
    assert unknown.score == base.score and unknown.reputation == "unknown"
    assert model.assess([], "unreliable")[1].score < base.score < model.assess([], "reliable")[1].score
    reputation = Signal("source_reputation", 3.0, "lowers", "rated unreliable")
    weighted, _ = model.assess([reputation], "unreliable")
    assert weighted[0].weight < 0 and weighted[0].direction == "lowers"


@pytest.mark.parametrize(("score", "label"), [(0, "low"), (39.9, "low"), (40, "mixed"), (69.9, "mixed"), (70, "high")])
def test_bands(score, label):
    assert band(score) == label
    assert [name for _, name in CREDIBILITY_BANDS] == ["low", "mixed", "high"]


def test_shipped_model_keeps_its_documented_promises():
    data = json.loads(package_text("models/credibility.json"))
    model = CredibilityModel.default()
    assert model.version == data["version"]
    from newsaudit.evaluation.credibility import DOCUMENTED, LEARNED, REPUTATION

    signs = {name: sign for name, _, sign, _ in LEARNED}
    for feature in model.features:
        if feature.learned:
            assert feature.coefficient * signs[feature.signal] >= 0, feature.signal  # documented direction kept
        else:
            assert feature.reason, f"{feature.signal} has a set weight and must say why"
    assert {f.signal for f in model.features} == {n for n, *_ in LEARNED} | {n for n, *_ in DOCUMENTED}
    assert model.reputation == REPUTATION and model.reputation["unknown"] == 0.0
    assert data["cross_validation"]["fakes"]["n"] > 0  # the file says what it was measured on
    # The calibration may shrink the log-odds but never turns them around.
    assert model.calibration[0] > 0


def test_decline_gives_the_even_prior_the_reason_and_no_weights():
    weighted, credibility = toy_model().assess(signals(anonymous_sourcing=1.0, self_declared_badge=1.0))
    assert credibility.assessed and credibility.reason is None
    declined, found = toy_model(unreliable=1.5).decline(weighted, "too short: 9 words", "unreliable")
    assert (found.label, found.assessed, found.reason) == ("not_assessed", False, "too short: 9 words")
    assert (found.score, found.probability_low, found.top_signals, found.reputation) == (50.0, 0.5, (), "unreliable")
    assert all(s.weight == 0 and s.direction == "neutral" for s in declined)


def test_held_out_separation_is_read_from_the_model_file_and_says_when_it_is_weak():
    from newsaudit.models.credibility import WEAK_AUC, HeldOut, held_out_for

    data = json.loads(package_text("models/credibility.json"))
    model = CredibilityModel.default()
    assert model.held_out is not None and model.held_out.auc == data["held_out"]["auc"]
    assert len(data["held_out"]["auc_folds"]) == 5 and set(data["held_out"]["spread"]["bands"]) >= {"low", "high"}
    assert held_out_for(model.version) is model.held_out and held_out_for("another-model") is None
    weak = HeldOut(0.6, by_corpus=(("Corpus A", 0.72), ("Corpus B", 0.48)))
    assert weak.weak and "weak separation" in weak.line() and "Corpus B 0.48" in weak.line()
    strong = HeldOut(WEAK_AUC + 0.1)
    assert not strong.weak and "weak" not in strong.line() and "80%" in strong.line()
