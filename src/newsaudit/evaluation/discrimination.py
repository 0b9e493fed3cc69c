"""The credibility score's spread and its discrimination, reported together: a score that clusters in one
band says little even when its AUC is fine, and a wide spread means nothing when the AUC is at chance.

`fold_aucs` gives the AUC of each domain-disjoint fold (None for a fold holding one label only),
`summary` their mean and standard deviation, `spread` the distribution of 0–100 scores (min, percentiles,
max) and the share of articles in each band.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from newsaudit.models.credibility import NOT_ASSESSED, band
from newsaudit.schema import CREDIBILITY_BANDS

#: The percentiles `spread` reports.
PERCENTILES = (10, 25, 50, 75, 90)


def fold_aucs(low: Sequence[bool], probability: Sequence[float], fold_of: Sequence[int]) -> list[float | None]:
    """The AUC of P(low) within each fold, in fold order; None where a fold holds one label only."""
    from sklearn.metrics import roc_auc_score

    found: list[float | None] = []
    for fold in sorted(set(fold_of)):
        members = [i for i, f in enumerate(fold_of) if f == fold]
        labels = [low[i] for i in members]
        if len(set(labels)) == 2:
            found.append(round(float(roc_auc_score(labels, [probability[i] for i in members])), 4))
        else:
            found.append(None)
    return found


def summary(aucs: Sequence[float | None]) -> dict[str, Any]:
    """Per-fold AUCs with their mean and (population) standard deviation over the folds that have both labels."""
    values = [auc for auc in aucs if auc is not None]
    mean = sum(values) / len(values) if values else None
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) if mean is not None else None
    return {
        "auc_folds": list(aucs),
        "auc_fold_mean": round(mean, 4) if mean is not None else None,
        "auc_fold_std": round(std, 4) if std is not None else None,
    }


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile of sorted values, linearly interpolated (numpy's default)."""
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def spread(scores: Sequence[float], not_assessed: int = 0) -> dict[str, Any]:
    """Min, percentiles and max of 0–100 scores, and the share of all articles (scored and not assessed) in
    each band (`CREDIBILITY_BANDS`) and not assessed."""
    ordered = sorted(scores)
    total = len(ordered) + not_assessed
    bands = {name: 0 for _, name in CREDIBILITY_BANDS}
    for score in ordered:
        bands[band(score)] += 1
    shares = {name: round(count / total, 4) if total else 0.0 for name, count in bands.items()}
    shares[NOT_ASSESSED] = round(not_assessed / total, 4) if total else 0.0
    if not ordered:
        return {"n": 0, "bands": shares}
    return {
        "n": len(ordered),
        "min": round(ordered[0], 1),
        **{f"p{q}": round(percentile(ordered, q), 1) for q in PERCENTILES},
        "max": round(ordered[-1], 1),
        "bands": shares,
    }
