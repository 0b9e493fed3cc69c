"""FNC-1 stance validated on folds: the shipped recipe refitted inside each fold's training part.

    newsaudit eval stance train_bodies.csv train_stances.csv --folds 5

Two protocols on the same recipe in one run (`newsaudit.evaluation.folds`): `story`, whole stories held out
and cross-fold pairs dropped, which is what the competition test set does to a model; and `headline`, group
k-fold by headline with bodies shared, the protocol that reported 90.7 against 80.45 on the test set. The gap
between the two is the leak.

In each fold everything learned is learned on the training part only: the TF-IDF vocabulary and IDF, the
feature scaling, the MLP, and the class biases (tuned on 3 out-of-fold folds of the training part, by
headline, as `training.stance.fit_recipe` does for the shipped model). The held-out fold is only scored.

Per fold: the FNC score (relative %), macro-F1, per-class F1, accuracy, the expected calibration error of the
network's most probable class (10 bins; the biases move decisions, not probabilities), and
`fnc_score_reweighted`. Story folds hold out few unrelated pairs (most unrelated pairs join two stories and are
dropped), which lowers the FNC score, where unrelated pairs are the easy quarter-points; the reweighted
score counts each held-out unrelated pair so that unrelated pairs make up the same share as in the whole
file (73 % in FNC-1 train, 72 % in the competition test set), the figure to compare with a test-set score.
About 5 minutes a fold on two cores (the MLP fits), so 50 minutes for both protocols at k = 5.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.evaluation.folds import expected_calibration_error, headline_folds, story_folds, summarise
from newsaudit.evaluation.stance import LABELS, RELATED, Pair, classification_report, read_bodies, read_stances
from newsaudit.training.stance import SEED, featurize, fit_recipe, labels_of, predict_mlp

PROTOCOLS = ("story", "headline")
#: What the folds refit, for the report.
RECIPE = "mlp+bias, the shipped recipe (training/stance.py: MLP on all features, class biases tuned out of fold)"


def reweighted_fnc(gold: Sequence[str], predicted: Sequence[str], unrelated_share: float) -> float | None:
    """The FNC score (relative %) with unrelated pairs weighted to make up `unrelated_share` of the pairs.

    None when the pairs hold only one of related and unrelated (no weight can give the share).
    """
    n_unrelated = sum(label not in RELATED for label in gold)
    n_related = len(gold) - n_unrelated
    if not n_unrelated or not n_related or not 0 < unrelated_share < 1:
        return None
    weight = unrelated_share / (1 - unrelated_share) * n_related / n_unrelated
    raw = best = 0.0
    for truth, guess in zip(gold, predicted, strict=True):
        related = truth in RELATED
        w = 1.0 if related else weight
        best += w * (1.0 if related else 0.25)
        if related == (guess in RELATED):
            raw += w * (0.25 + (0.75 if related and truth == guess else 0.0))
    return round(100 * raw / best, 2)


def fold_report(
    gold: np.ndarray, probabilities: np.ndarray, bias: np.ndarray, unrelated_share: float
) -> dict[str, Any]:
    """The metrics of one held-out fold from the network's probabilities and the fold's class biases."""
    predicted = (np.log(np.clip(probabilities, 1e-12, 1.0)) + bias).argmax(axis=1)
    gold_labels = [LABELS[i] for i in gold]
    predicted_labels = [LABELS[i] for i in predicted]
    report = classification_report(gold_labels, predicted_labels)
    report.pop("confusion")
    report["fnc_score_reweighted"] = reweighted_fnc(gold_labels, predicted_labels, unrelated_share)
    report["ece"] = round(expected_calibration_error(probabilities, gold), 4)
    counts = Counter(gold_labels)
    report["gold"] = {label: counts[label] for label in LABELS}
    return report


def run_protocol(
    name: str,
    folds: Sequence[tuple[list[int], list[int]]],
    pairs: Sequence[Pair],
    bodies: dict[str, str],
    embedder: Any,
    log: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Refit the recipe in each fold's training part, score its held-out part; per-fold reports and summary."""
    y = labels_of(pairs)
    share = float(np.mean(y == LABELS.index("unrelated")))
    reports = []
    for number, (train, test) in enumerate(folds, start=1):
        started = time.perf_counter()
        x, _ = featurize(pairs, bodies, train, embedder)
        fitted, bias = fit_recipe(x[train], y[train], [pairs[i].headline for i in train])
        report = fold_report(y[test], predict_mlp(fitted, x[test]), bias, share)
        report |= {
            "fold": number,
            "train_pairs": len(train),
            "dropped_pairs": len(pairs) - len(train) - len(test),
            "bias": [round(float(b), 2) for b in bias],
            "fit_s": round(time.perf_counter() - started, 1),
        }
        log(
            f"{name} fold {number}/{len(folds)}: FNC {report['fnc_score']} (reweighted "
            f"{report['fnc_score_reweighted']}), macro-F1 {report['macro_f1']}, {report['fit_s']} s"
        )
        reports.append(report)
    return {"folds": reports, **summarise([{k: v for k, v in r.items() if k not in ("bias", "fold")} for r in reports])}


#: The figures whose headline-minus-story gap is reported as the leak.
GAP_METRICS = ("fnc_score", "fnc_score_reweighted", "macro_f1", "accuracy")


def evaluate_folds(
    bodies_csv: str | Path,
    stances_csv: str | Path,
    k: int = 5,
    seed: int = SEED,
    protocols: Sequence[str] = PROTOCOLS,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Both protocols on FNC-1-layout files: one JSON-ready object (the story protocol's at the top level).

    Needs scikit-learn (the `[train]` extra). `log` receives one line per fold (default: stderr).
    """
    from newsaudit.models.embeddings import Embedder

    unknown = sorted(set(protocols) - set(PROTOCOLS))
    if unknown:
        raise ValueError(f"unknown protocols {unknown}; use {PROTOCOLS}")
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    bodies = read_bodies(bodies_csv)
    pairs = read_stances(stances_csv)
    wrong = sorted({pair.stance for pair in pairs} - set(LABELS))
    if wrong:
        raise ValueError(f"unknown stance labels {wrong}; expected {LABELS}")
    missing = sorted({pair.body_id for pair in pairs} - set(bodies))
    if missing:
        raise ValueError(f"{len(missing)} body ids of the stances file are not in the bodies file, e.g. {missing[0]}")
    embedder = Embedder.default()
    make = {"story": story_folds, "headline": headline_folds}
    results = {name: run_protocol(name, make[name](pairs, k, seed), pairs, bodies, embedder, log) for name in protocols}
    out: dict[str, Any] = {"k": k, "seed": seed, "model": RECIPE, "n_pairs": len(pairs)}
    first = results.get("story") or results[protocols[0]]
    out |= {"protocol": "story" if "story" in results else protocols[0], **first}
    out |= {name: result for name, result in results.items() if result is not first}
    if "story" in results and "headline" in results:
        story, headline = results["story"]["mean"], results["headline"]["mean"]
        out["leak"] = {
            metric: round(headline[metric] - story[metric], 4)
            for metric in GAP_METRICS
            if metric in story and metric in headline
        }
    return out
