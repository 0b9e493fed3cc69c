"""Rebuild `src/newsaudit/models/credibility.json` from the labelled corpora in ../shared/data.

    pip install -e ".[train]" && python scripts/train_credibility.py [--data DIR]

1. FA-KES and the FakeNewsCorpus sample are written as contract CSVs under build/ (the same files
   `newsaudit eval credibility` reads) and every article is audited once (signals cached in build/).
2. Each corpus, and both together, are cross-validated with domain-disjoint folds: the explained model and
   the TF-IDF + logistic-regression baseline on the same folds; printed as a table.
3. The shipped model is fitted on both corpora (each corpus and each class given the same total weight, so
   the probability assumes an even mix), with a Platt calibration fitted on the out-of-fold log-odds of
   the pooled cross-validation; references are the training medians. Articles the pipeline does not assess
   (not English, under `MIN_WORDS`) are left out of the fit and of the measures, as the model never scores
   them. The held-out AUCs (pooled, per fold, per corpus) and the calibrated out-of-fold score spread go
   into the model file's `held_out`, which the reports print beside the score.

`--rate-priors` measures instead the corpus rates that short texts' rates are shrunk toward (`RatePrior`):
the raw counts of each rate signal in every English article of both corpora, and per signal Marshall's
(1991) global empirical-Bayes estimate: the pooled rate p = Σcount / Σn, the between-article variance
τ² = Σ n·(count/n − p)² / Σn − p(1 − p) / mean(n), and the prior's worth k = p(1 − p) / τ² units, so that
an article's rate is weighed as (count + p·k) / (n + k). It prints the `[shrinkage]` table of
`lexicons/presentation.toml`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from newsaudit import __version__
from newsaudit.evaluation.credibility import (
    LEARNED,
    PRIOR_ARTICLES,
    assess_rows,
    balanced_weights,
    compare,
    cross_validate,
    fakenewscorpus_rows,
    fakes_rows,
    fit_explained,
    fit_platt,
    measures,
    read_rows,
    write_contract_csv,
)
from newsaudit.evaluation.discrimination import fold_aucs, spread, summary
from newsaudit.resources import package_text
from newsaudit.stages.signals import RATE_SIGNALS
from newsaudit.training import DEFAULT_DATA, MODELS, REPO

MODEL_VERSION = "credibility-2"
OUTPUT = MODELS / "credibility.json"
#: How the corpora are named in the model file's `held_out`.
CORPUS_NAMES = {"fakes": "FA-KES", "fakenewscorpus": "FakeNewsCorpus sample"}
#: A prior worth more than this many units is capped (a rate that hardly varies between articles).
MAX_PRIOR_WEIGHT = 5000.0


def cached_values(csv_path: Path, rows) -> tuple[list[dict], list[str | None]]:
    """Signal values and not-assessed reasons per row, cached by the CSV's content, the package version and
    the presentation lexicon (which holds the rate priors)."""
    key = csv_path.read_bytes() + __version__.encode() + package_text("lexicons/presentation.toml").encode()
    cache = csv_path.with_suffix(f".signals-{hashlib.sha1(key).hexdigest()[:16]}.json")
    if cache.exists():
        cached = json.loads(cache.read_text())
        return cached["values"], cached["reasons"]
    started = time.perf_counter()
    values, reasons = assess_rows(rows)
    print(f"  audited {len(rows)} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    cache.write_text(json.dumps({"values": values, "reasons": reasons}))
    return values, reasons


def rate_prior(pairs: Sequence[tuple[float, float]], max_weight: float = MAX_PRIOR_WEIGHT) -> tuple[float, float]:
    """(p, k) of Marshall's (1991) global empirical-Bayes estimator, binomial form, over (count, n) pairs
    (pairs with n = 0 say nothing and are left out): see the module docstring."""
    used = [(count, n) for count, n in pairs if n > 0]
    total = sum(n for _, n in used)
    if not used or total == 0:
        return 0.0, max_weight
    p = sum(count for count, _ in used) / total
    variance = p * (1 - p)
    between = sum(n * (count / n - p) ** 2 for count, n in used) / total - variance / (total / len(used))
    if between <= 0 or variance == 0:
        return p, max_weight
    return p, min(variance / between, max_weight)


def measured_rate_counts(rows) -> list[dict[str, tuple[int, int]]]:
    """The raw (count, n) of each rate signal in every English article of `rows`: each one extracted,
    parsed and run through the stages before `signals`, whose `rate_counts` then counts what it would shrink."""
    from newsaudit.auditor import Auditor
    from newsaudit.errors import NewsauditError
    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import RawDocument
    from newsaudit.nlp import LanguageGuesser, parse
    from newsaudit.settings import Settings
    from newsaudit.stages.registry import Context
    from newsaudit.stages.signals import rate_counts

    auditor = Auditor(Settings.load().replace(factchecks=None, corpus=None, sources=None))
    names = [step.name for step in auditor.stages]
    before = auditor.stages[: names.index("signals")]
    guess = LanguageGuesser()
    articles = []
    for row in rows:
        try:
            article = extract_article(RawDocument(row.content, row.kind, row.fields["id"], "csv", row.fields))
        except NewsauditError:
            continue
        if (article.language or guess(article.text) or "en").split("-")[0] == "en":
            articles.append(article)
    found = []
    for article, doc in zip(articles, parse(auditor.nlp, [a.text for a in articles]), strict=True):
        findings: dict = {}
        try:
            for step in before:
                findings.update(step(Context(article, doc, findings, True, auditor.stores)))
        except Exception as error:  # one article a stage cannot read says nothing about the rates
            print(f"  skipped {article.id}: {error!r}", file=sys.stderr)
            continue
        found.append(rate_counts(article, doc, findings))
    return found


def print_rate_priors(corpora: dict[str, list]) -> None:
    """Measure the rate priors on the corpora's rows and print them as the lexicon's `[shrinkage]` table."""
    counts = []
    for name, rows in corpora.items():
        started = time.perf_counter()
        found = measured_rate_counts(rows)
        print(
            f"  {name}: {len(found)} English articles counted in {time.perf_counter() - started:.0f} s", file=sys.stderr
        )
        counts += found
    print(f"[shrinkage]\n# measured on {', '.join(CORPUS_NAMES.get(n, n) for n in corpora)}: {len(counts)} articles")
    for signal in RATE_SIGNALS:
        pairs = [article[signal] for article in counts]
        p, k = rate_prior(pairs)
        unit = "claim" if signal in ("anonymous_sourcing", "unattributed_claims") else "word"
        n = sorted(n for _, n in pairs)
        print(f'{signal} = {{ rate = {p:.6f}, weight = {k:.1f}, unit = "{unit}" }}  # median n {n[len(n) // 2]}')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA", str(DEFAULT_DATA)))
    parser.add_argument("--out", default=str(OUTPUT))
    parser.add_argument("--prior-articles", type=float, default=PRIOR_ARTICLES, help="strength of the documented prior")
    parser.add_argument("--rate-priors", action="store_true", help="measure and print the rate priors instead")
    args = parser.parse_args(argv)
    data = Path(args.data)
    build = REPO / "build"
    build.mkdir(exist_ok=True)
    sources = {
        "fakes": (fakes_rows, data / "fakes" / "FA-KES-Dataset.csv"),
        "fakenewscorpus": (fakenewscorpus_rows, data / "fakenewscorpus_sample" / "news_sample.csv"),
    }
    corpora: dict[str, tuple[list, list[dict]]] = {}
    read: dict[str, tuple[Path, list]] = {}
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
        read[name] = (contract, rows)
    if args.rate_priors:
        print_rate_priors({name: rows for name, (_, rows) in read.items()})
        return
    for name, (contract, rows) in read.items():
        values, reasons = cached_values(contract, rows)
        kept = [i for i, reason in enumerate(reasons) if reason is None]
        print(f"{name}: {len(rows) - len(kept)} not assessed (too short or not English), left out", file=sys.stderr)
        corpora[name] = ([rows[i] for i in kept], [values[i] for i in kept])

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
        ours.update(summary(fold_aucs(result["low"], result["explained"], result["fold_of"])))
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
    ours.update(summary(fold_aucs(result["low"], result["explained"], result["fold_of"])))
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
    held_out = {
        "what": "domain-disjoint cross-validation of this fit on the labelled corpora (both pooled; per corpus "
        "by_corpus); spread: the calibrated out-of-fold scores",
        "auc": ours["auc"],
        **{key: ours[key] for key in ("auc_folds", "auc_fold_mean", "auc_fold_std")},
        "by_corpus": {CORPUS_NAMES.get(name, name): report[name]["explained"]["auc"] for name in corpora},
        "spread": spread([100 * (1 - p) for p in calibrated]),
    }
    print(f"held out: {json.dumps(held_out)}")
    payload = {
        "version": MODEL_VERSION,
        "description": "log-odds of low credibility = intercept + sum(coefficient * (transform(signal value) - "
        "reference)) + reputation[level]; probability = sigmoid(slope * log-odds + offset); score = "
        "100 * (1 - probability). Learned features are sign-constrained; documented ones are set with a reason.",
        "trained_on": {name: report[name]["n"] for name in corpora},
        "cross_validation": report,
        "held_out": held_out,
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
