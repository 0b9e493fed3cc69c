"""Rebuild `src/newsaudit/models/credibility.json` from the labelled corpora in ../shared/data.

    pip install -e ".[train]" && python scripts/train_credibility.py [--data DIR]

1. FA-KES and the FakeNewsCorpus sample are written as contract CSVs under build/ (the same files
   `newsaudit eval credibility` reads) and every article is audited once (signals cached in build/).
2. Each corpus, and both together, are cross-validated with domain-disjoint folds: the explained model and
   the TF-IDF + logistic-regression baseline on the same folds; printed as a table.
3. The shipped model is fitted on both corpora (each corpus and each class given the same total weight, so
   the probability assumes an even mix), with a Platt calibration fitted on the out-of-fold log-odds of
   the pooled cross-validation; references are the training medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from newsaudit import __version__
from newsaudit.evaluation.credibility import (
    LEARNED,
    PRIOR_ARTICLES,
    balanced_weights,
    compare,
    cross_validate,
    fakenewscorpus_rows,
    fakes_rows,
    fit_explained,
    fit_platt,
    measures,
    read_rows,
    signal_values,
    write_contract_csv,
)
from newsaudit.training import DEFAULT_DATA, MODELS, REPO

MODEL_VERSION = "credibility-1"
OUTPUT = MODELS / "credibility.json"


def cached_values(csv_path: Path, rows) -> list[dict]:
    """Signal values per row, cached by the CSV's content and the package version."""
    digest = hashlib.sha1(csv_path.read_bytes() + __version__.encode()).hexdigest()[:16]
    cache = csv_path.with_suffix(f".signals-{digest}.json")
    if cache.exists():
        return json.loads(cache.read_text())
    started = time.perf_counter()
    values = signal_values(rows)
    print(f"  audited {len(rows)} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cache.write_text(json.dumps(values))
    return values


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA", str(DEFAULT_DATA)))
    parser.add_argument("--out", default=str(OUTPUT))
    parser.add_argument("--prior-articles", type=float, default=PRIOR_ARTICLES, help="strength of the documented prior")
    args = parser.parse_args(argv)
    data = Path(args.data)
    build = REPO / "build"
    build.mkdir(exist_ok=True)
    sources = {
        "fakes": (fakes_rows, data / "fakes" / "FA-KES-Dataset.csv"),
        "fakenewscorpus": (fakenewscorpus_rows, data / "fakenewscorpus_sample" / "news_sample.csv"),
    }
    corpora: dict[str, tuple[list, list[dict]]] = {}
    for name, (reader, path) in sources.items():
        if not path.exists():
            sys.exit(f"missing {path}: point --data (or NEWSAUDIT_DATA) at the shared data folder")
        contract = build / f"credibility-{name}.csv"
        write_contract_csv(reader(path), contract)
        rows, skipped = read_rows(contract)
        print(
            f"{name}: {len(rows)} rows ({sum(r.low for r in rows)} low), {skipped} skipped, "
            f"{len({r.domain for r in rows})} domains -> {contract.relative_to(REPO)}",
            file=sys.stderr,
        )
        corpora[name] = (rows, cached_values(contract, rows))

    from sklearn.metrics import roc_auc_score

    print("\neach signal alone (AUC of its raw value for 'low'; 0.5 = no information, < 0.5 = points the other way)")
    names = sorted({name for _, values in corpora.values() for v in values for name in v})
    print(f"{'signal':26} " + " ".join(f"{name:>15}" for name in corpora))
    for signal in names:
        cells = []
        for rows, values in corpora.values():
            x = [v.get(signal, 0.0) for v in values]
            cells.append(f"{roc_auc_score([r.low for r in rows], x):15.3f}" if len(set(x)) > 1 else f"{'-':>15}")
        print(f"{signal:26} " + " ".join(cells))

    print("\ndomain-disjoint cross-validation (explained model vs TF-IDF baseline, same folds)")
    print(f"{'corpus':16} {'n':>5} {'auc':>6} {'f1':>6} {'acc':>6} | {'tfidf auc':>9} {'f1':>6} {'acc':>6}")
    pooled_rows, pooled_values, pooled_corpus = [], [], []
    report = {}
    for name, (rows, values) in corpora.items():
        documented = cross_validate(rows, values, corpora=[name] * len(rows), fit_weights=False)
        print(f"{name + ' (documented)':28} auc {measures(documented['low'], documented['explained'])['auc']:.3f}")
        result = cross_validate(rows, values, corpora=[name] * len(rows), prior_articles=args.prior_articles)
        ours, theirs = compare(result)
        report[name] = {"explained": ours, "baseline": theirs, "n": len(rows)}
        print(
            f"{name:16} {len(rows):5d} {ours['auc']:6.3f} {ours['f1']:6.3f} {ours['accuracy']:6.3f} | "
            f"{theirs['auc']:9.3f} {theirs['f1']:6.3f} {theirs['accuracy']:6.3f}   per-fold mean auc "
            f"{ours['auc_fold_mean']} vs {theirs['auc_fold_mean']}"
        )
        pooled_rows += rows
        pooled_values += values
        pooled_corpus += [name] * len(rows)
    for strength in (0.0, 20.0, 200.0, 2000.0, 1e6):
        sweep = cross_validate(pooled_rows, pooled_values, corpora=pooled_corpus, prior_articles=strength)
        print(
            f"  pooled, prior worth {strength:>9.0f} articles: auc "
            f"{measures(sweep['low'], sweep['explained'])['auc']:.3f}"
        )
    result = cross_validate(pooled_rows, pooled_values, corpora=pooled_corpus, prior_articles=args.prior_articles)
    ours, theirs = compare(result)
    report["both"] = {"explained": ours, "baseline": theirs, "n": len(pooled_rows)}
    print(
        f"{'both':16} {len(pooled_rows):5d} {ours['auc']:6.3f} {ours['f1']:6.3f} {ours['accuracy']:6.3f} | "
        f"{theirs['auc']:9.3f} {theirs['f1']:6.3f} {theirs['accuracy']:6.3f}"
    )

    low = [row.low for row in pooled_rows]
    weights = balanced_weights(low, pooled_corpus)
    slope, offset = fit_platt(result["log_odds"], low, weights)
    model = replace(fit_explained(pooled_values, low, weights, args.prior_articles), calibration=(slope, offset))
    calibrated = [model.probability(lo) for lo in result["log_odds"]]
    print(
        f"\nPlatt calibration: slope {slope:.3f}, offset {offset:.3f}; out-of-fold Brier "
        f"{measures(low, result['explained'])['brier']:.4f} -> {measures(low, calibrated)['brier']:.4f}"
    )
    payload = {
        "version": MODEL_VERSION,
        "description": "log-odds of low credibility = intercept + sum(coefficient * (transform(signal value) - "
        "reference)) + reputation[level]; probability = sigmoid(slope * log-odds + offset); score = "
        "100 * (1 - probability). Learned features are sign-constrained; documented ones are set with a reason.",
        "trained_on": {name: report[name]["n"] for name in corpora},
        "cross_validation": report,
        "intercept": model.intercept,
        "calibration": {"slope": round(slope, 6), "offset": round(offset, 6)},
        "reputation": model.reputation,
        "features": [
            {
                "signal": f.signal,
                "transform": f.transform,
                "coefficient": f.coefficient,
                "reference": f.reference,
                "learned": f.learned,
                **({"reason": f.reason} if f.reason else {}),
            }
            for f in model.features
        ],
    }
    Path(args.out).write_text(json.dumps(payload, indent=1) + "\n")
    print("\ncoefficients (log-odds of low credibility per unit of the transformed signal):")
    for feature in model.features:
        print(f"  {feature.signal:26} {feature.transform:9} {feature.coefficient:+8.3f}  ref {feature.reference:.3f}")
    print(f"wrote {args.out} ({len(LEARNED)} learned inputs)")
