"""Folds that hold out what unseen news holds out: stories, no leak, balance, ECE and fold summaries.

Every headline and body id here is fiction written for the purpose.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from newsaudit.evaluation.folds import (
    balanced_assignment,
    expected_calibration_error,
    fnc_stories,
    group_folds,
    headline_folds,
    leave_one_out,
    read_fold_file,
    story_folds,
    story_ids,
    summarise,
)
from newsaudit.evaluation.stance import Pair

RELATED = ("agree", "disagree", "discuss")


def fictional_pairs(n_stories: int = 12, seed: int = 3) -> list[Pair]:
    """Stories of 1–4 headlines and 2–5 bodies (related pairs inside), plus unrelated pairs across stories."""
    rng = np.random.default_rng(seed)
    pairs, stories = [], []
    for s in range(n_stories):
        heads = [f"Fictional story {s}: headline {h} about the Marlow Island ferry" for h in range(rng.integers(1, 5))]
        bodies = [f"s{s}b{b}" for b in range(rng.integers(2, 6))]
        stories.append((heads, bodies))
        for head, body in itertools.product(heads, bodies):
            pairs.append(Pair(head, body, RELATED[int(rng.integers(0, 3))]))
    for s, (heads, _) in enumerate(stories):
        for head in heads:
            for other in rng.choice([t for t in range(n_stories) if t != s], size=3, replace=False):
                pairs.append(Pair(head, stories[other][1][0], "unrelated"))
    return pairs


def test_folds_a_related_pair_links_its_headline_and_body_an_unrelated_one_does_not():
    pairs = [
        Pair("Dam on the Corran river to be raised", "1", "agree"),
        Pair("Dam on the Corran river to be raised", "2", "discuss"),
        Pair("Brindle zoo names its new panda", "3", "disagree"),
        Pair("Brindle zoo names its new panda", "1", "unrelated"),
    ]
    heads, bodies = story_ids(pairs)
    assert bodies["1"] == bodies["2"] == heads["Dam on the Corran river to be raised"]
    assert bodies["3"] == heads["Brindle zoo names its new panda"] != bodies["1"]
    stories = fnc_stories(pairs)
    assert stories[0] == stories[1] != stories[2]
    assert stories[3] == bodies["1"]  # an unrelated pair goes with its body's story


def test_folds_stories_are_transitive_through_shared_bodies_and_headlines():
    pairs = [Pair("A", "1", "agree"), Pair("B", "1", "discuss"), Pair("B", "2", "agree"), Pair("C", "3", "agree")]
    heads, bodies = story_ids(pairs)
    assert heads["A"] == heads["B"] == bodies["2"] and heads["C"] != heads["A"]


@pytest.mark.parametrize("k", [2, 3, 5])
def test_folds_no_headline_or_body_of_a_test_fold_is_seen_in_its_training_side(k):
    pairs = fictional_pairs()
    folds = story_folds(pairs, k=k, seed=7)
    assert len(folds) == k
    tested = []
    for train, test in folds:
        assert test and train and not set(train) & set(test)
        train_heads = {pairs[i].headline for i in train}
        train_bodies = {pairs[i].body_id for i in train}
        assert not {pairs[i].headline for i in test} & train_heads
        assert not {pairs[i].body_id for i in test} & train_bodies
        tested += test
    assert len(tested) == len(set(tested))  # each pair is held out at most once


def test_folds_whole_stories_go_to_one_fold_and_only_cross_fold_pairs_are_dropped():
    pairs = fictional_pairs()
    heads, bodies = story_ids(pairs)
    folds = story_folds(pairs, k=3, seed=1)
    fold_of_story = {}
    for number, (_, test) in enumerate(folds):
        for i in test:
            for story in (heads[pairs[i].headline], bodies[pairs[i].body_id]):
                assert fold_of_story.setdefault(story, number) == number
    for i, pair in enumerate(pairs):
        if pair.stance != "unrelated":  # a related pair sits inside one story: held out exactly once
            assert sum(i in test for _, test in folds) == 1
    for train, test in folds:
        kept = set(train) | set(test)
        for i in set(range(len(pairs))) - kept:
            assert pairs[i].stance == "unrelated"


def test_folds_story_folds_are_balanced_by_size():
    pairs = fictional_pairs(n_stories=30, seed=11)
    heads, bodies = story_ids(pairs)
    biggest = max(sum(1 for p in pairs if story in (heads[p.headline], bodies[p.body_id])) for story in heads.values())
    related = [sum(pairs[i].stance != "unrelated" for i in test) for _, test in story_folds(pairs, k=3, seed=2)]
    assert max(related) - min(related) <= biggest


def test_folds_balanced_assignment_fills_the_lightest_fold_largest_first():
    sizes = {"a": 10, "b": 9, "c": 8, "d": 3, "e": 2, "f": 1}
    fold_of = balanced_assignment(sizes, 3, seed=0)
    load = [sum(s for g, s in sizes.items() if fold_of[g] == f) for f in range(3)]
    assert sorted(load) == [11, 11, 11]
    assert balanced_assignment(sizes, 3, seed=0) == fold_of  # deterministic
    with pytest.raises(ValueError):
        balanced_assignment(sizes, 1)


def test_folds_headline_folds_hold_out_headlines_but_share_bodies():
    pairs = fictional_pairs()
    shared_bodies = 0
    for train, test in headline_folds(pairs, k=3, seed=0):
        assert not {pairs[i].headline for i in test} & {pairs[i].headline for i in train}
        assert len(train) + len(test) == len(pairs)
        shared_bodies += len({pairs[i].body_id for i in test} & {pairs[i].body_id for i in train})
    assert shared_bodies > 0  # the leak the story folds close


def test_folds_group_folds_and_leave_one_out():
    assert group_folds(["x", "y", "x"]) == [([1], [0, 2]), ([0, 2], [1])]
    assert leave_one_out(["t1", "t2", "t3"]) == [(["t2", "t3"], "t1"), (["t1", "t3"], "t2"), (["t1", "t2"], "t3")]
    with pytest.raises(ValueError):
        leave_one_out(["only"])


def test_folds_reads_a_fold_file(tmp_path):
    path = tmp_path / "folds.csv"
    path.write_text("articleId,claimId,fold\na1,c1,1\na2,c1,1\na3,c2,2\n", encoding="utf-8")
    assert read_fold_file(path) == {"a1": 1, "a2": 1, "a3": 2}


def test_folds_ece_of_known_inputs():
    # Ten predictions at confidence 0.9, nine right: perfectly calibrated.
    sure = np.array([[0.9, 0.1]] * 10)
    assert expected_calibration_error(sure, [0] * 9 + [1]) == pytest.approx(0.0)
    # Confidence 0.8, all wrong: ECE 0.8.
    assert expected_calibration_error(np.array([[0.8, 0.2]] * 4), [1, 1, 1, 1]) == pytest.approx(0.8)
    # Two bins by hand: 0.95 (right, right) and 0.6 (right, wrong): 0.5 × 0.05 + 0.5 × 0.1.
    mixed = np.array([[0.95, 0.05], [0.05, 0.95], [0.6, 0.4], [0.4, 0.6]])
    assert expected_calibration_error(mixed, [0, 1, 0, 0]) == pytest.approx(0.5 * 0.05 + 0.5 * 0.1)
    # Confidence exactly 1.0 lands in the last bin, 0.1 in the first.
    assert expected_calibration_error(np.array([[1.0, 0.0, 0.0]]), [0]) == pytest.approx(0.0)
    assert expected_calibration_error(np.zeros((0, 3)), []) == 0.0
    with pytest.raises(ValueError):
        expected_calibration_error(np.array([[0.5, 0.5]]), [0, 1])


def test_folds_summarise_gives_mean_std_min_max_per_metric_nested_included():
    per_fold = [
        {"name": "one", "map": 0.2, "n": 10, "f1": {"for": 0.5}, "missing": None},
        {"name": "two", "map": 0.4, "n": 30, "f1": {"for": 0.7}, "missing": 1.0},
    ]
    summary = summarise(per_fold)
    assert set(summary) == {"mean", "std", "min", "max"}
    assert summary["mean"] == {"map": 0.3, "n": 20.0, "f1": {"for": 0.6}, "missing": 1.0}
    assert summary["std"]["map"] == pytest.approx(0.1) and summary["std"]["f1"]["for"] == pytest.approx(0.1)
    assert summary["min"]["n"] == 10 and summary["max"]["n"] == 30
    assert "name" not in summary["mean"]
