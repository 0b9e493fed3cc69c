"""Claim ↔ article-headline stance scored the Emergent way (Ferreira & Vlachos 2016).

Layout: a CSV with `claimHeadline` (the claim), `articleHeadline` and `articleHeadlineStance` (`for`,
`against` or `observing`), and optionally `articleId` and `claimId` (the authors' fold file keys rows by
`articleId`). Metrics: `accuracy` (the task's measure), `macro_f1` and `f1` per class, `n`, and the
confusion matrix (gold row, predicted column).

FNC-1's stance labels map onto these (`FNC_TO_EMERGENT`: agree → for, disagree → against, discuss and
unrelated → observing), so the FNC-1 model can be scored here too, with the claim as its headline and the
article headline as its body; FNC-1 was built from Emergent's articles, so that score is not held out.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.evaluation.stance import label_report

LABELS = ("for", "against", "observing")
FNC_TO_EMERGENT = {"agree": "for", "disagree": "against", "discuss": "observing", "unrelated": "observing"}
COLUMNS = ("claimHeadline", "articleHeadline", "articleHeadlineStance")


@dataclass(frozen=True, slots=True)
class Row:
    claim: str
    headline: str
    stance: str
    article_id: str = ""
    claim_id: str = ""


def read_rows(path: str | Path) -> list[Row]:
    """The rows of an Emergent-layout CSV; a missing column or an unknown stance label is an error."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [name for name in COLUMNS if name not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path} lacks the column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
        rows = [
            Row(
                r["claimHeadline"],
                r["articleHeadline"],
                r["articleHeadlineStance"].strip(),
                r.get("articleId") or "",
                r.get("claimId") or "",
            )
            for r in reader
        ]
    unknown = sorted({row.stance for row in rows} - set(LABELS))
    if unknown:
        raise ValueError(f"unknown stance labels {unknown}; expected {LABELS}")
    return rows


def classification_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over the three classes, F1 per class, n and the confusion matrix."""
    return label_report(gold, predicted, LABELS)


def labels_of(predictions: Sequence[Any]) -> list[str]:
    """Labels from predictions that are labels or dicts with a `label`."""
    return [p["label"] if isinstance(p, dict) else str(p) for p in predictions]


def fnc_mapped(predict_many: Callable[[list[tuple[str, str]]], Sequence[Any]]) -> Callable[[list[Row]], list[str]]:
    """A predictor of Emergent labels from an FNC-1 one: the claim as headline, the article headline as body."""

    def predict(rows: list[Row]) -> list[str]:
        return [FNC_TO_EMERGENT[label] for label in labels_of(predict_many([(r.claim, r.headline) for r in rows]))]

    return predict


def evaluate(csv_path: str | Path, predict: Callable[[list[Row]], Sequence[Any]]) -> dict[str, Any]:
    """Predict every row of the file (`predict` takes the rows, returns a label or a dict per row) and score."""
    rows = read_rows(csv_path)
    if not rows:
        raise ValueError(f"{csv_path} has no rows")
    return classification_report([row.stance for row in rows], labels_of(predict(rows)))
