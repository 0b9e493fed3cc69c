"""Credibility evaluated and fitted on labelled articles, always with **domain-disjoint** folds, so that no
site's style, boilerplate or topic is seen both in training and in testing.

The contract CSV (`newsaudit eval credibility CSV`): one article per row with columns `text` or `html`,
`title`, `domain`, `label` (optional `url`, `authors`, `published`). Labels are words (`LOW_LABELS` mean low
credibility, `HIGH_LABELS` the rest; rows with other labels are skipped and counted). Both models are fitted
on the same folds in the same run: the explained model (`newsaudit.models.credibility`: a sign-constrained
logistic regression over the signals) and a plain TF-IDF + logistic-regression text classifier. Printed:
`auc`, `f1` (of the low-credibility class), `accuracy`, `n`, and the baseline's under `baseline` (and as
`baseline_auc`, `baseline_f1`, `baseline_accuracy`); beside the discrimination, the spread, since a score
clustered in one band says little whatever its AUC: `auc_folds`, `auc_fold_mean`, `auc_fold_std`,
`score_spread` (the shipped model's scores: min, percentiles, max, share per band) and
`score_spread_out_of_fold`; `thin` says when the labelled rows are too few to separate articles with
confidence (None otherwise). Rows the pipeline does not assess (not English, too short) are left out of every
measure (`n` counts the assessed rows) and counted in `n_not_assessed` and `not_assessed` (by reason).

Needs scikit-learn (`pip install -e ".[train]"`); the shipped model is scored without it.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.evaluation.credibility_corpora import (  # noqa: F401  (their old home: callers import them here)
    fakenewscorpus_rows,
    fakes_rows,
    write_contract_csv,
)
from newsaudit.evaluation.discrimination import fold_aucs, spread, summary
from newsaudit.models.credibility import TRANSFORMS, CredibilityModel, Feature

#: Label words meaning "low credibility" (OpenSources tags, FA-KES and MBFC wording, plain words).
LOW_LABELS = frozenset(
    "low fake false unreliable conspiracy junksci hate satire bias clickbait rumor rumour state not-credible "
    "not_credible noncredible misleading".split()
)
#: Label words meaning "not low": credible or merely partisan-but-verifiable (OpenSources `political`).
HIGH_LABELS = frozenset("high reliable credible true real political mostly-true".split())

#: The learned inputs: (signal, transform, sign, prior). `sign` is the sign the coefficient may take on the
#: log-odds of *low* credibility (+1 only raises the odds, -1 only lowers them, 0 free): the direction the
#: signal is documented to have. `prior` is the documented coefficient (log-odds per unit of the transformed
#: value) the fit starts from and is pulled back towards: the labelled corpora are small and their labels
#: only partly about sourcing and presentation, so the data adjust these weights rather than replace them.
LEARNED: tuple[tuple[str, str, int, float], ...] = (
    ("anonymous_sourcing", "identity", 1, 1.5),  # every claim on anonymous word: +1.5
    ("unattributed_claims", "identity", 1, 0.5),
    ("named_sources", "log1p", -1, -0.4),  # five named sources: -0.7
    ("hedge_density", "per100", 1, 0.3),  # per 10 hedges per 1,000 words
    ("denied_claims", "log1p", 1, 0.4),
    ("certainty_gap", "log1p", 1, 0.6),
    ("headline_stance", "identity", 1, 1.5),  # P(disagree) + P(unrelated)
    ("clickbait_headline", "cap3", 1, 0.5),  # per device, up to three
    ("loaded_language", "log1p", 1, 0.4),
    ("shouting", "log1p", 1, 0.3),
    ("readability", "ease", 0, 0.0),
)
#: The documented inputs: fixed log-odds the labelled corpora cannot teach, with the reason.
DOCUMENTED: tuple[tuple[str, str, float, str], ...] = (
    (
        "self_declared_badge",
        "cap1",
        1.0,
        "a site stamping its own story 'fact checked' or 'verified' is a known trait of fabricated-news sites; "
        "the labelled corpora were scraped without such badges, so the weight is set, not fitted",
    ),
    (
        "related_link_inserts",
        "cap2",
        0.35,
        "a related-story insert left inside the body is a trace of text pasted from another site; "
        "each of up to two adds this much",
    ),
    (
        "uncredited_copying",
        "cap1",
        1.5,
        "most of the text also appears, uncredited, in an earlier corpus article; needs a corpus, "
        "which the labelled data lack",
    ),
    (
        "mostly_copied_with_credit",
        "cap1",
        0.5,
        "the article is mostly another outlet's text, credited: less original reporting than it appears",
    ),
    (
        "factcheck_rating",
        "cap2",
        1.5,
        "a claim the article makes (and does not itself dispute) matches a published fact-check rated false, "
        "unproven or alike; the labelled corpora were audited without a fact-check store, so they have no "
        "matches to learn from: set as strong as uncredited copying per claim, for up to two claims, since a "
        "match is to a similar claim, not necessarily the same one",
    ),
)
#: Log-odds added for the site's reputation in the lists the user loaded (`newsaudit sources add`). Set, not
#: fitted: the labelled corpora's labels come from those same lists, so fitting would learn the labels.
REPUTATION = {"unreliable": 1.5, "satire": 1.0, "mixed": 0.5, "reliable": -1.0, "unknown": 0.0}


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled article from a contract CSV."""

    content: str
    kind: str
    title: str | None
    domain: str
    low: bool
    fields: dict[str, Any]


def read_rows(path: str | Path, low_labels: Iterable[str] = ()) -> tuple[list[Row], int]:
    """Labelled rows of a contract CSV, and how many rows were skipped (unknown label, no text, no domain)."""
    low = {label.lower() for label in low_labels} or LOW_LABELS
    high = HIGH_LABELS if not low_labels else None
    csv.field_size_limit(sys.maxsize)
    rows, skipped = [], 0
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        missing = {"domain", "label"} - columns
        if missing or not ({"text", "html"} & columns):
            raise ValueError(
                f"{path} needs the columns text or html, title, domain, label; missing: "
                + ", ".join(sorted(missing | ({"text|html"} if not {"text", "html"} & columns else set())))
            )
        for number, record in enumerate(reader, start=2):
            label = (record.get("label") or "").strip().lower()
            is_low = label in low
            if not is_low and high is not None and label not in high:
                skipped += 1
                continue
            html, text = (record.get("html") or "").strip(), (record.get("text") or "").strip()
            domain = (record.get("domain") or "").strip().lower()
            if not (html or text) or not domain:
                skipped += 1
                continue
            fields = {key: record[key].strip() for key in ("title", "url", "published") if record.get(key)}
            if record.get("authors"):
                fields["authors"] = [a.strip() for a in record["authors"].split(",") if a.strip()]
            fields["domain"] = domain
            fields["id"] = f"{Path(path).name}:{number}"
            rows.append(Row(html or text, "html" if html else "text", fields.get("title"), domain, is_low, fields))
    return rows, skipped


def signal_values(rows: Sequence[Row], *, workers: int | None = None, progress: Callable | None = None) -> list[dict]:
    """Each row audited (no corpus, no source lists: nothing that could know the label), as {signal: value}."""
    return assess_rows(rows, workers=workers, progress=progress)[0]


def assess_rows(
    rows: Sequence[Row], *, workers: int | None = None, progress: Callable | None = None
) -> tuple[list[dict], list[str | None]]:
    """Each row audited as in `signal_values`, and for each the reason it was not assessed (None when it was):
    the model never scores those, so they are left out of fitting and measuring."""
    from newsaudit.auditor import Auditor
    from newsaudit.ingest.readers import RawDocument
    from newsaudit.settings import Settings

    # Overrides of None are ignored, so the stores a settings file or $NEWSAUDIT_* may name are cleared here.
    auditor = Auditor(Settings.load().replace(factchecks=None, corpus=None, sources=None))
    documents = (RawDocument(row.content, row.kind, row.fields["id"], "csv", row.fields) for row in rows)  # type: ignore[arg-type]
    values, reasons = [], []
    for audit in auditor.audit_many(documents, workers=workers):
        values.append({signal.name: signal.value for signal in audit.signals})
        found = audit.credibility
        reasons.append(
            "no assessment (the audit failed)" if found is None else None if found.assessed else found.reason
        )
        if progress is not None:
            progress()
    return values, reasons


def domain_folds(domains: Sequence[str], folds: int = 5) -> list[int]:
    """A fold number per row such that every domain sits in exactly one fold; folds balanced by rows
    (largest domains placed first, each into the currently smallest fold)."""
    sizes: dict[str, int] = {}
    for domain in domains:
        sizes[domain] = sizes.get(domain, 0) + 1
    folds = max(2, min(folds, len(sizes)))
    load = [0] * folds
    fold_of: dict[str, int] = {}
    for domain, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        target = min(range(folds), key=lambda f: (load[f], f))
        fold_of[domain] = target
        load[target] += size
    return [fold_of[domain] for domain in domains]


# -- the explained model -------------------------------------------------------------------------------


def feature_matrix(values: Sequence[dict]) -> list[list[float]]:
    """The learned inputs of each article; a signal the audit did not produce counts as 0."""
    return [[TRANSFORMS[transform](v.get(name, 0.0)) for name, transform, *_ in LEARNED] for v in values]


#: How strongly the fit is pulled towards the documented priors: a Gaussian prior worth about this many
#: articles' evidence (chosen on the pooled domain-disjoint cross-validation of the training corpora).
PRIOR_ARTICLES = 200.0


def fit_explained(
    values: Sequence[dict],
    low: Sequence[bool],
    weights: Sequence[float] | None = None,
    prior_articles: float = PRIOR_ARTICLES,
    fit_weights: bool = True,
) -> CredibilityModel:
    """Fit the sign-constrained logistic regression with a Gaussian prior centred on the documented weights
    (`prior_articles` sets its strength; `fit_weights=False` keeps the documented weights and fits only the
    intercept) and return a model whose references are the training medians (calibration at identity)."""
    import numpy as np
    from scipy.optimize import minimize

    x = np.asarray(feature_matrix(values), dtype=float)
    y = np.asarray(low, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    w = w / w.mean()
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    prior = np.asarray([p for *_, p in LEARNED]) * std  # the documented weights on standardised inputs
    if fit_weights:
        signs = [sign for _, _, sign, _ in LEARNED]
        bounds = [(None, None)] + [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None) for s in signs]
    else:
        bounds = [(None, None)] + [(p, p) for p in prior]
    strength = prior_articles / len(y)

    def loss(theta):
        margin = theta[0] + z @ theta[1:]
        # log(1 + exp(-y'm)) with y' = ±1, computed stably.
        signed = np.where(y > 0, margin, -margin)
        gap = theta[1:] - prior
        value = np.sum(w * np.logaddexp(0, -signed)) / len(y) + 0.5 * strength * np.sum(gap**2)
        p = 1 / (1 + np.exp(-margin))
        residual = w * (p - y) / len(y)
        grad = np.concatenate([[residual.sum()], z.T @ residual + strength * gap])
        return value, grad

    start = np.concatenate([[0.0], prior])
    theta = minimize(loss, start, jac=True, bounds=bounds, method="L-BFGS-B").x
    coefficients = theta[1:] / std
    references = np.median(x, axis=0)
    intercept = theta[0] + float(np.sum(coefficients * (references - mean)))
    features = [
        Feature(name, transform, round(float(coef), 6), round(float(ref), 6), True)
        for (name, transform, *_), coef, ref in zip(LEARNED, coefficients, references, strict=True)
    ]
    features += [Feature(name, transform, coef, 0.0, False, reason) for name, transform, coef, reason in DOCUMENTED]
    return CredibilityModel("unfitted", tuple(features), round(float(intercept), 6), (1.0, 0.0), dict(REPUTATION))


def fit_platt(
    log_odds: Sequence[float], low: Sequence[bool], weights: Sequence[float] | None = None
) -> tuple[float, float]:
    """Slope and offset mapping out-of-fold log-odds to calibrated probabilities (Platt scaling)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6)
    model.fit(np.asarray(log_odds, dtype=float).reshape(-1, 1), np.asarray(low, dtype=int), sample_weight=weights)
    return float(model.coef_[0][0]), float(model.intercept_[0])


def balanced_weights(low: Sequence[bool], groups: Sequence[str] | None = None) -> list[float]:
    """Sample weights giving each class (within each group, e.g. corpus) the same total weight."""
    groups = groups or ["all"] * len(low)
    counts: dict[tuple[str, bool], int] = {}
    for group, label in zip(groups, low, strict=True):
        counts[(group, label)] = counts.get((group, label), 0) + 1
    n_groups = len({group for group in groups})
    total = len(low)
    return [total / (2 * n_groups * counts[(group, label)]) for group, label in zip(groups, low, strict=True)]


# -- the baseline --------------------------------------------------------------------------------------


def tfidf_baseline(train_texts: Sequence[str], train_low: Sequence[bool], test_texts: Sequence[str]) -> list[float]:
    """P(low) from a plain TF-IDF (words and word pairs) + logistic regression text classifier."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(train_low)) < 2:
        return [float(train_low[0])] * len(test_texts)
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=100_000)
    matrix = vectorizer.fit_transform(train_texts)
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)
    model.fit(matrix, list(train_low))
    return [float(p) for p in model.predict_proba(vectorizer.transform(test_texts))[:, 1]]


# -- cross-validation ------------------------------------------------------------------------------------


def cross_validate(
    rows: Sequence[Row],
    values: Sequence[dict],
    folds: int = 5,
    corpora: Sequence[str] | None = None,
    prior_articles: float = PRIOR_ARTICLES,
    fit_weights: bool = True,
) -> dict[str, Any]:
    """Out-of-fold predictions of both models over domain-disjoint folds, and their measures."""
    low = [row.low for row in rows]
    fold_of = domain_folds([row.domain for row in rows], folds)
    texts = [f"{row.title or ''}\n{row.content}" for row in rows]
    explained: list[float] = [0.0] * len(rows)
    baseline: list[float] = [0.0] * len(rows)
    log_odds: list[float] = [0.0] * len(rows)
    for fold in sorted(set(fold_of)):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        test = [i for i, f in enumerate(fold_of) if f == fold]
        train_low = [low[i] for i in train]
        weights = balanced_weights(train_low, [corpora[i] for i in train] if corpora else None)
        model = fit_explained([values[i] for i in train], train_low, weights, prior_articles, fit_weights)
        for i in test:
            log_odds[i] = model.log_odds(values[i])
            explained[i] = model.probability(log_odds[i])
        predicted = tfidf_baseline([texts[i] for i in train], train_low, [texts[i] for i in test])
        for i, p in zip(test, predicted, strict=True):
            baseline[i] = p
    return {
        "fold_of": fold_of,
        "explained": explained,
        "baseline": baseline,
        "log_odds": log_odds,
        "low": low,
    }


def measures(low: Sequence[bool], probability: Sequence[float], threshold: float = 0.5) -> dict[str, float]:
    """AUC, F1 of the low-credibility class, accuracy at `threshold`, and the Brier score."""
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score

    predicted = [p >= threshold for p in probability]
    auc = roc_auc_score(low, probability) if len(set(low)) == 2 else math.nan
    return {
        "auc": round(float(auc), 4),
        "f1": round(float(f1_score(low, predicted, zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(low, predicted)), 4),
        "brier": round(sum((p - y) ** 2 for p, y in zip(probability, low, strict=True)) / max(len(low), 1), 4),
    }


def mean_fold_auc(low: Sequence[bool], probability: Sequence[float], fold_of: Sequence[int]) -> float | None:
    """The mean of the per-fold AUCs over folds holding both labels: pooled out-of-fold AUC also compares
    scores across fold models, which punishes a model whose scale shifts between folds."""
    return summary(fold_aucs(low, probability, fold_of))["auc_fold_mean"]


def compare(result: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The measures of the explained model and of the baseline from one `cross_validate` result, each with
    its per-fold mean AUC."""
    measured = []
    for model in ("explained", "baseline"):
        values: dict[str, Any] = measures(result["low"], result[model])
        values["auc_fold_mean"] = mean_fold_auc(result["low"], result[model], result["fold_of"])
        measured.append(values)
    return measured[0], measured[1]


#: Labelled data are too thin to trust the AUC when fewer folds than this hold both labels, or the smaller
#: class has fewer articles than `THIN_CLASS` or comes from fewer sites than `THIN_SITES`.
THIN_FOLDS, THIN_CLASS, THIN_SITES = 3, 30, 5


def thin(rows: Sequence[Row], aucs: Sequence[float | None]) -> str | None:
    """Why the labelled rows are too thin for the AUC to say much, or None."""
    reasons = []
    if sum(auc is not None for auc in aucs) < THIN_FOLDS:
        reasons.append(f"only {sum(auc is not None for auc in aucs)} of {len(aucs)} folds hold both labels")
    for label, name in ((True, "low"), (False, "not-low")):
        members = [row for row in rows if row.low is label]
        if len(members) < THIN_CLASS or len({row.domain for row in members}) < THIN_SITES:
            reasons.append(f"{len(members)} {name} articles from {len({row.domain for row in members})} sites")
    return "; ".join(reasons) or None


def evaluate(
    path: str | Path,
    *,
    folds: int = 5,
    low_labels: Iterable[str] = (),
    workers: int | None = None,
    progress: Callable | None = None,
) -> dict[str, Any]:
    """The contract result for one CSV: both models over the same domain-disjoint folds, plus the shipped
    model scored as it is (it may have been fitted on these very articles: see `shipped_note`)."""
    rows, skipped = read_rows(path, low_labels)
    if len({row.domain for row in rows}) < 2 or len({row.low for row in rows}) < 2:
        raise ValueError(f"{path}: need at least two domains and both labels ({len(rows)} usable rows)")
    values, reasons = assess_rows(rows, workers=workers, progress=progress)
    kept = [i for i, reason in enumerate(reasons) if reason is None]
    declined: dict[str, int] = {}
    for reason in reasons:
        if reason is not None:
            key = reason.split(":")[0]
            declined[key] = declined.get(key, 0) + 1
    rows, values = [rows[i] for i in kept], [values[i] for i in kept]
    if len({row.domain for row in rows}) < 2 or len({row.low for row in rows}) < 2:
        raise ValueError(f"{path}: need at least two domains and both labels among the assessed ({len(rows)} rows)")
    result = cross_validate(rows, values, folds)
    ours, theirs = compare(result)
    shipped = CredibilityModel.default()
    shipped_probability = [shipped.probability(shipped.log_odds(v)) for v in values]
    folds_measured = summary(fold_aucs(result["low"], result["explained"], result["fold_of"]))
    return {
        **{key: ours[key] for key in ("auc", "f1", "accuracy")},
        "n": len(rows),
        "brier": ours["brier"],
        "auc_fold_mean": ours["auc_fold_mean"],
        "baseline_auc": theirs["auc"],
        "baseline_f1": theirs["f1"],
        "baseline_accuracy": theirs["accuracy"],
        "baseline": {**theirs, "model": "tfidf+logistic regression", "n": len(rows)},
        "split": f"domain-disjoint, {len(set(result['fold_of']))} folds",
        "n_domains": len({row.domain for row in rows}),
        "n_low": sum(row.low for row in rows),
        "skipped": skipped,
        "shipped": {**measures(result["low"], shipped_probability), "model": shipped.version},
        "shipped_note": "the shipped model as it is, not refitted: its numbers are optimistic on articles it was "
        "fitted on (scripts/train_credibility.py lists them)",
        # Discrimination beside spread: per-fold AUCs (None: a fold of one label) and the scores' distribution.
        "auc_folds": folds_measured["auc_folds"],
        "auc_fold_std": folds_measured["auc_fold_std"],
        "folds_with_both_labels": sum(auc is not None for auc in folds_measured["auc_folds"]),
        "thin": thin(rows, folds_measured["auc_folds"]),
        "n_not_assessed": len(reasons) - len(kept),
        "not_assessed": declined,
        "score_spread": spread([100 * (1 - p) for p in shipped_probability], len(reasons) - len(kept)),
        "score_spread_out_of_fold": spread([100 * (1 - p) for p in result["explained"]]),
        "spread_note": "score_spread: the shipped model's scores on these articles, as a report prints them (bands "
        "are shares of all rows, not-assessed ones included); score_spread_out_of_fold: the fold models' "
        "uncalibrated scores, whose ranking the auc measures",
    }
