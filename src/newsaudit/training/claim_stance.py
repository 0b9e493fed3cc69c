"""Rebuild `src/newsaudit/models/claim_stance.npz`, the claim ↔ headline stance model, from Emergent train.

    pip install -e ".[train]"
    python scripts/train_claim_stance.py [--data ../shared/data] [--out PATH] [--dry-run]

Data: `emergent/url-versions-2015-06-14-clean-train.csv` and the authors' ten claim-disjoint folds,
`emergent/cv_folds_train.csv`, under --data ($NEWSAUDIT_DATA, default ../shared/data); the script exits 0
with a note when they are absent. Never FNC-1: its headlines are Emergent's article headlines, 42 % of the
Emergent test split's among them.

The fitting (`fit`): the n-gram vocabulary of the training rows' residues (`models.claim_stance.residue`),
naive-Bayes log-count ratios per class (add-one), and for each class a logistic regression (one against the
rest) over the ratio-scaled n-grams and the standardised numeric features. Its only hyper-parameter, the
inverse regularisation `c`, is chosen from `C_GRID` by accuracy over three claim-disjoint inner folds of the
training rows it is given: the authors' folds for the shipped model, the training part of each fold for
`newsaudit eval emergent --folds` (`evaluate_folds`), so a held-out fold chooses nothing. The run prints the
ten-fold figures, then fits on every row and writes the arrays; seconds on two cores, deterministic
(lbfgs from zero, no sampling).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.evaluation.emergent import LABELS, Row, classification_report, fnc_mapped, read_rows
from newsaudit.evaluation.folds import (
    balanced_assignment,
    expected_calibration_error,
    group_folds,
    read_fold_file,
    summarise,
)
from newsaudit.training import DEFAULT_DATA, MODELS

MODEL = MODELS / "claim_stance.npz"
C_GRID = (0.1, 0.3, 1.0)
INNER_FOLDS = 3
#: Naive-Bayes smoothing of the log-count ratios.
ALPHA = 1.0
SEED = 20240611
TRAIN_CSV = "emergent/url-versions-2015-06-14-clean-train.csv"
FOLD_CSV = "emergent/cv_folds_train.csv"


def fit(rows: Sequence[Row], c: float, scalars: np.ndarray | None = None, embedder: Any = None) -> Any:
    """A `ClaimStance` fitted on `rows` with inverse regularisation `c` (`scalars`: their numeric features)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    from newsaudit.models.claim_stance import ClaimStance, ngrams, pair_scalars, residue
    from newsaudit.models.embeddings import Embedder

    embedder = embedder or Embedder.default()
    pairs = [(row.claim, row.headline) for row in rows]
    if scalars is None:
        scalars = pair_scalars(pairs, embedder)
    grams = [ngrams(residue(claim, headline)) for claim, headline in pairs]
    vocabulary = sorted(set().union(*grams))
    index = {gram: i for i, gram in enumerate(vocabulary)}
    cols = [index[g] for row in grams for g in row]
    indptr = np.cumsum([0, *map(len, grams)])
    x = csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(rows), len(vocabulary)))
    mean, scale = scalars.mean(axis=0), scalars.std(axis=0) + 1e-6
    standard = csr_matrix((scalars - mean) / scale)
    y = np.array([LABELS.index(row.stance) for row in rows])
    weights = np.zeros((len(vocabulary), len(LABELS)))
    scalar_weights = np.zeros((scalars.shape[1], len(LABELS)))
    intercept = np.zeros(len(LABELS))
    for k in range(len(LABELS)):
        p = ALPHA + np.asarray(x[y == k].sum(axis=0)).ravel()
        q = ALPHA + np.asarray(x[y != k].sum(axis=0)).ravel()
        ratio = np.log((p / p.sum()) / (q / q.sum()))
        model = LogisticRegression(C=c, max_iter=5000).fit(hstack([x.multiply(ratio), standard]).tocsr(), y == k)
        weights[:, k] = model.coef_[0, : len(vocabulary)] * ratio
        scalar_weights[:, k] = model.coef_[0, len(vocabulary) :]
        intercept[k] = model.intercept_[0]
    return ClaimStance(vocabulary, weights, mean, scale, scalar_weights, intercept, embedder=embedder)


def inner_folds(rows: Sequence[Row], k: int = INNER_FOLDS, seed: int = SEED) -> list[tuple[list[int], list[int]]]:
    """Claim-disjoint folds of the given rows, balanced by rows per claim."""
    claims = [row.claim_id or row.claim for row in rows]
    fold_of = balanced_assignment(Counter(claims), k, seed)
    return group_folds([fold_of[claim] for claim in claims])


def choose_c(rows: Sequence[Row], scalars: np.ndarray, embedder: Any, folds=None) -> float:
    """The `C_GRID` value with the best accuracy over claim-disjoint folds of `rows` (the first of equal ones)."""
    folds = folds or inner_folds(rows)
    gold = np.array([LABELS.index(row.stance) for row in rows])

    def accuracy(c: float) -> float:
        hits = 0
        for train, test in folds:
            model = fit([rows[i] for i in train], c, scalars[train], embedder)
            hits += int(
                (model.scores([(rows[i].claim, rows[i].headline) for i in test]).argmax(axis=1) == gold[test]).sum()
            )
        return hits / len(rows)

    return max(C_GRID, key=accuracy)


def fold_report(gold: Sequence[str], probabilities: np.ndarray) -> dict[str, Any]:
    predicted = [LABELS[i] for i in probabilities.argmax(axis=1)]
    report = classification_report(gold, predicted)
    report.pop("confusion")
    report["ece"] = round(expected_calibration_error(probabilities, [LABELS.index(g) for g in gold]), 4)
    return report


def evaluate_folds(
    csv_path: str | Path,
    fold_file: str | Path,
    log: Callable[[str], None] | None = None,
    compare: bool = True,
) -> dict[str, Any]:
    """The authors' claim-disjoint folds: `c` chosen and the model fitted in each training part, and (with
    `compare`) the FNC-1 stance model with mapped labels scored on the same held-out rows."""
    from newsaudit.models.claim_stance import pair_scalars
    from newsaudit.models.embeddings import Embedder

    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    rows = read_rows(csv_path)
    fold_of = read_fold_file(fold_file)
    missing = [row.article_id for row in rows if row.article_id not in fold_of]
    if missing:
        raise ValueError(f"{len(missing)} rows have no fold in {fold_file} (by articleId), e.g. {missing[0]!r}")
    embedder = Embedder.default()
    scalars = pair_scalars([(row.claim, row.headline) for row in rows], embedder)
    mapped = None
    if compare:
        from newsaudit.models.stance import StanceModel

        mapped = fnc_mapped(StanceModel.default().predict_many)(list(rows))
    folds, pooled = [], [""] * len(rows)
    for number, (train, test) in enumerate(group_folds([fold_of[row.article_id] for row in rows]), start=1):
        started = time.perf_counter()
        train_rows = [rows[i] for i in train]
        c = choose_c(train_rows, scalars[train], embedder)
        model = fit(train_rows, c, scalars[train], embedder)
        probabilities = model.probabilities([(rows[i].claim, rows[i].headline) for i in test])
        gold = [rows[i].stance for i in test]
        report = {"fold": number, **fold_report(gold, probabilities), "c": c, "train_rows": len(train)}
        for i, row in zip(test, probabilities, strict=True):
            pooled[i] = LABELS[int(row.argmax())]
        if mapped is not None:
            fnc = classification_report(gold, [mapped[i] for i in test])
            report["fnc_mapped"] = {key: fnc[key] for key in ("accuracy", "macro_f1", "f1")}
        report["fit_s"] = round(time.perf_counter() - started, 1)
        log(f"fold {number}: accuracy {report['accuracy']}, macro-F1 {report['macro_f1']} (c {c})")
        folds.append(report)
    gold_all = [row.stance for row in rows]
    out: dict[str, Any] = {
        "protocol": "Emergent claim-disjoint folds (the authors' cv_folds_train.csv)",
        "model": "claim_stance: naive-Bayes-scaled n-grams of the headline's residue + numeric features, "
        "one-vs-rest logistic regression, c chosen on inner claim-disjoint folds",
        "n_folds": len(folds),
        "n": len(rows),
        "folds": folds,
        **summarise([{k: v for k, v in f.items() if k != "fold"} for f in folds]),
        "pooled": classification_report(gold_all, pooled),
    }
    if mapped is not None:
        pooled_mapped = classification_report(gold_all, mapped)
        out["fnc_mapped_pooled"] = {key: pooled_mapped[key] for key in ("accuracy", "macro_f1", "f1", "n")}
    return out


def export(model: Any, meta: dict[str, Any], out: Path) -> None:
    """Save the arrays as `newsaudit.models.claim_stance.ClaimStance.from_bytes` reads them."""
    vocabulary = sorted(model.index, key=model.index.__getitem__)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        vocabulary=np.array("\n".join(vocabulary)),
        weights=model.weights.astype(np.float32),
        scalar_mean=model.scalar_mean.astype(np.float32),
        scalar_scale=model.scalar_scale.astype(np.float32),
        scalar_weights=model.scalar_weights.astype(np.float32),
        intercept=model.intercept.astype(np.float32),
        meta=np.array(json.dumps(meta)),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(DEFAULT_DATA))
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--dry-run", action="store_true", help="measure only; write nothing")
    args = parser.parse_args(argv)

    from newsaudit.models.claim_stance import ClaimStance, pair_scalars
    from newsaudit.models.embeddings import Embedder

    data = Path(args.data)
    if not (data / TRAIN_CSV).exists() or not (data / FOLD_CSV).exists():
        print(f"skipped: {data / TRAIN_CSV} or {data / FOLD_CSV} not found")
        sys.exit(0)
    started = time.perf_counter()
    report = evaluate_folds(data / TRAIN_CSV, data / FOLD_CSV, compare=False)
    summary = {k: report[k] for k in ("mean", "std", "min", "max")}
    print(json.dumps({"folds": report["n_folds"], **summary, "pooled_accuracy": report["pooled"]["accuracy"]}))
    rows = read_rows(data / TRAIN_CSV)
    embedder = Embedder.default()
    scalars = pair_scalars([(row.claim, row.headline) for row in rows], embedder)
    fold_of = read_fold_file(data / FOLD_CSV)
    authors = group_folds([fold_of[row.article_id] for row in rows])
    c = choose_c(rows, scalars, embedder, authors)
    model = fit(rows, c, scalars, embedder)
    meta = {
        "version": f"emergent-nblr-{date.today().isoformat()}",
        "trained_on": f"Emergent {TRAIN_CSV.split('/')[-1]} (all {len(rows)} rows)",
        "labels": list(LABELS),
        "c": c,
        "c_chosen_by": "accuracy over the authors' 10 claim-disjoint folds",
        "folds": {"mean": summary["mean"], "std": summary["std"], "min": summary["min"], "max": summary["max"]},
    }
    print(f"# c {c}; {len(model.index)} n-grams; {time.perf_counter() - started:.0f} s")
    if args.dry_run:
        return
    export(model, meta, args.out)
    shipped = ClaimStance.from_path(args.out)
    sample = [(row.claim, row.headline) for row in rows[:200]]
    gap = float(np.abs(shipped.scores(sample) - model.scores(sample)).max())
    print(f"# wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} kB); float32 round trip max score gap {gap:.1e}")
    if gap > 1e-3:
        raise SystemExit("the exported arrays do not reproduce the fitted model's scores")
