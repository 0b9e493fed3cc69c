"""Cross-validation folds that hold out what unseen news would hold out, and the fold summaries.

A dev split predicts a test score only when the test set's novelty is reproduced: FNC-1's competition test set
shares almost no headline and no body with train, yet a split by headline alone keeps every held-out body in
training (90.7 dev against 80.45 test for the same recipe), and five fixed CLEF transcripts chosen once are
too few to say how far one transcript differs from the next (MAP 0.283 dev, 0.122 test). So:

- FNC-1, `story_folds`: a *story* is a connected component of bodies and headlines joined by their related
  pairs (agree, disagree, discuss; an unrelated pair joins nothing), i.e. the articles about one claim.
  Whole stories go to folds, and a pair whose headline and body sit in stories of different folds (an
  unrelated pair, nearly always) is dropped from every fold that holds one of its texts, so no held-out
  headline or body is seen in training. `headline_folds`, group k-fold by headline only, is the old leaky
  protocol, kept to report beside it: the gap between the two is the leak.
- CLEF-2019 Task 1, `leave_one_out`: each of the training transcripts held out in turn.
- Emergent, `read_fold_file` + `group_folds`: the authors' ten claim-disjoint folds (`cv_folds_train.csv`).

Folds are balanced by size: groups go largest first into the lightest fold (ties broken by a seeded shuffle),
which is as even as whole groups allow. `summarise` gives the mean, (population) standard deviation, minimum
and maximum of each numeric metric over folds, and `expected_calibration_error` the calibration of a model's
most probable class (10 equal-width confidence bins).
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.disjoint import DisjointSets
from newsaudit.evaluation.stance import RELATED, Pair

Folds = list[tuple[list[int], list[int]]]


def story_ids(pairs: Sequence[Pair]) -> tuple[dict[str, int], dict[str, int]]:
    """The story of each headline and of each body id: numbered 0, 1, … in order of first appearance.

    A text in no related pair is a story of its own.
    """
    sets: DisjointSets[Hashable] = DisjointSets()
    for pair in pairs:
        head, body = ("h", pair.headline), ("b", pair.body_id)
        sets.find(head)
        sets.find(body)
        if pair.stance in RELATED:
            sets.union(head, body)
    number: dict[Hashable, int] = {}
    heads: dict[str, int] = {}
    bodies: dict[str, int] = {}
    for pair in pairs:
        heads[pair.headline] = number.setdefault(sets.find(("h", pair.headline)), len(number))
        bodies[pair.body_id] = number.setdefault(sets.find(("b", pair.body_id)), len(number))
    return heads, bodies


def fnc_stories(pairs: Sequence[Pair]) -> dict[int, int]:
    """The story of each pair, by pair index: its body's story (for a related pair also its headline's)."""
    _, bodies = story_ids(pairs)
    return {index: bodies[pair.body_id] for index, pair in enumerate(pairs)}


def balanced_assignment(sizes: Mapping[Hashable, int], k: int, seed: int = 0) -> dict[Hashable, int]:
    """Fold (0 … k-1) of each group: largest first into the fold with the least so far; ties by a seeded shuffle."""
    if k < 2:
        raise ValueError(f"need at least 2 folds, got {k}")
    groups = list(sizes)
    random.Random(seed).shuffle(groups)
    groups.sort(key=lambda group: -sizes[group])  # stable: equal sizes keep the shuffled order
    load = [0] * k
    fold_of = {}
    for group in groups:
        fold = min(range(k), key=lambda f: (load[f], f))
        fold_of[group] = fold
        load[fold] += sizes[group]
    return fold_of


def story_folds(pairs: Sequence[Pair], k: int = 5, seed: int = 0) -> Folds:
    """(train, test) pair indices of each fold, whole stories held out, cross-fold pairs dropped.

    A story's size is the number of pairs that touch it. Test: the pairs whose headline and body are both in
    the fold's stories. Train: the pairs with neither in them. Pairs with one text in the fold are in neither.
    """
    heads, bodies = story_ids(pairs)
    sizes: Counter[int] = Counter()
    for pair in pairs:
        sizes.update({heads[pair.headline], bodies[pair.body_id]})
    fold_of = balanced_assignment(sizes, k, seed)
    ends = [(fold_of[heads[p.headline]], fold_of[bodies[p.body_id]]) for p in pairs]
    folds: Folds = []
    for fold in range(k):
        test = [i for i, (a, b) in enumerate(ends) if a == fold and b == fold]
        train = [i for i, (a, b) in enumerate(ends) if a != fold and b != fold]
        folds.append((train, test))
    return folds


def headline_folds(pairs: Sequence[Pair], k: int = 5, seed: int = 0) -> Folds:
    """Group k-fold by headline alone (bodies are shared across folds): the protocol that leaked."""
    sizes = Counter(pair.headline for pair in pairs)
    fold_of = balanced_assignment(sizes, k, seed)
    return group_folds([fold_of[pair.headline] for pair in pairs])


def group_folds(fold_of: Sequence[Hashable]) -> Folds:
    """(train, test) indices for a given fold label per row, folds in sorted label order."""
    folds: Folds = []
    for fold in sorted(set(fold_of), key=str):
        folds.append(([i for i, f in enumerate(fold_of) if f != fold], [i for i, f in enumerate(fold_of) if f == fold]))
    return folds


def leave_one_out(names: Sequence[str]) -> list[tuple[list[str], str]]:
    """(training names, held-out name) for each name in turn, e.g. CLEF transcripts."""
    if len(names) < 2:
        raise ValueError(f"leave-one-out needs at least 2 groups, got {len(names)}")
    return [([other for other in names if other != name], name) for name in names]


def read_fold_file(path: str | Path, key: str = "articleId", column: str = "fold") -> dict[str, int]:
    """Fold number by row id from a CSV such as Emergent's `cv_folds_train.csv` (articleId, claimId, fold)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row[key]: int(row[column]) for row in csv.DictReader(handle)}


def expected_calibration_error(probabilities: np.ndarray, gold: Sequence[int], bins: int = 10) -> float:
    """ECE of the most probable class: sum over equal-width confidence bins of share × |accuracy − confidence|.

    Bins are (0, 0.1], (0.1, 0.2], … (the first also takes 0); `gold` holds class indices (columns).
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    gold_array = np.asarray(gold)
    if probabilities.ndim != 2 or len(probabilities) != len(gold_array):
        raise ValueError(f"need an (n, classes) array and n labels, got {probabilities.shape} and {len(gold_array)}")
    if not len(gold_array):
        return 0.0
    confidence = probabilities.max(axis=1)
    correct = (probabilities.argmax(axis=1) == gold_array).astype(np.float64)
    which = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            total += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(total)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def summarise(per_fold: Sequence[Mapping[str, Any]], digits: int = 4) -> dict[str, dict[str, Any]]:
    """`mean`, `std` (population), `min` and `max` over folds of every numeric metric, nested dicts included.

    Non-numeric values (names, lists) are left out; a metric missing or None in some folds is summarised
    over the folds that have it.
    """

    def collect(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        keys = list(dict.fromkeys(key for row in rows for key in row))
        for key in keys:
            values = [row[key] for row in rows if row.get(key) is not None]
            if values and all(isinstance(v, Mapping) for v in values):
                out[key] = collect(values)
            elif values and all(_numeric(v) for v in values):
                array = np.asarray(values, dtype=np.float64)
                out[key] = (array.mean(), array.std(), array.min(), array.max())
        return out

    def pick(tree: dict[str, Any], slot: int) -> dict[str, Any]:
        return {
            key: pick(value, slot) if isinstance(value, dict) else round(float(value[slot]), digits)
            for key, value in tree.items()
        }

    tree = collect(per_fold)
    return {name: pick(tree, slot) for slot, name in enumerate(("mean", "std", "min", "max"))}
