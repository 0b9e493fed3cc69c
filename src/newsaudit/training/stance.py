"""Rebuild `src/newsaudit/models/stance.npz`, the headline ↔ body stance model, from FNC-1.

    pip install -e ".[train]"
    python scripts/train_stance.py [--data ../shared/data] [--variants all] [--out PATH] [--dry-run]

Data: `fnc1/train_bodies.csv` and `fnc1/train_stances.csv` under --data ($NEWSAUDIT_DATA, default
../shared/data); the script exits 0 with a note when they are absent.

For each dev split of `newsaudit.evaluation.stance` (`headline`: no dev headline in train; `baseline`: the
fnc-1-baseline's body split; `strict`: both at once) it fits on the split's train part (vocabulary and IDF
included) and prints, as JSON lines, the dev scores of each variant:

- `baseline`: a re-implementation of the FNC-1 baseline (word overlap, refuting words, polarity, word and
  character n-gram hits; scikit-learn gradient boosting, 200 trees), measured in the same run;
- `lr`, `mlp`: logistic regression and a one-hidden-layer MLP on all `newsaudit.models.stance` features (scalars
  and the two embeddings); `mlp+bias`: the same MLP with per-class offsets tuned on out-of-fold predictions
  of the train part (3 folds by headline, by body for the `baseline` split);
- `lgbm`, `lgbm_two_stage`: LightGBM on the scalar features, in one multiclass step or as related/unrelated
  then agree/disagree/discuss; `lgbm_vectors` (only with `--variants all`, slow): LightGBM on all features.

Then the shipped variant, `mlp+bias`, is refitted on all of FNC-1 train and written as numpy arrays
(scaling, weights, biases, vocabulary, IDF), which newsaudit scores without scikit-learn. About 15 minutes
on two busy cores, most of it the baseline and the folds; `--splits none` only refits and writes the model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from newsaudit.training import DEFAULT_DATA, MODELS

MODEL = MODELS / "stance.npz"
VARIANTS = ("baseline", "lr", "mlp", "lgbm", "lgbm_two_stage", "lgbm_vectors")
#: Measured by `--variants all`; lgbm_vectors is slow (15 times lgbm) and no better than mlp, so only on request.
DEFAULT_VARIANTS = VARIANTS[:-1]
MLP_PARAMS = {"hidden_layer_sizes": (128,), "alpha": 1e-3, "early_stopping": True, "max_iter": 200}
SEED = 20240611
LGBM_PARAMS = {
    "objective": "multiclass",
    "num_class": 4,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.3,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "max_depth": 10,
    "verbose": -1,
    "seed": SEED,
    "num_threads": 2,
}
ROUNDS = 400

# --- the FNC-1 baseline, re-implemented -------------------------------------------------------------------

# The baseline's idea: a short list of words that signal a refutation, each one a binary headline feature.
BASELINE_REFUTING = (
    "fake fraud hoax false deny denies denied not despite nope doubt doubts bogus debunk prank retract"
).split()


def baseline_features(headline: str, body: str) -> list[float]:
    """Word overlap, refuting words, polarity and n-gram hits between a headline and a body, as the baseline."""
    from newsaudit.models.stance import STOP_WORDS, stem_cached, words

    head_tokens = [stem_cached(w) for w in words(headline)]
    body_tokens = [stem_cached(w) for w in words(body)]
    head_set, body_set = set(head_tokens), set(body_tokens)
    overlap = len(head_set & body_set) / max(len(head_set | body_set), 1)
    refuting = [float(word in head_set or stem_cached(word) in head_set) for word in BASELINE_REFUTING]
    refuting_stems = {stem_cached(word) for word in BASELINE_REFUTING}
    polarity = [
        float(sum(t in refuting_stems for t in head_tokens) % 2),
        float(sum(t in refuting_stems for t in body_tokens) % 2),
    ]
    head_clean = " ".join(head_tokens)
    body_clean = " ".join(body_tokens)
    early = body_clean[:255]
    body_content = {t for t in body_set if t not in STOP_WORDS}
    early_set = set(early.split())
    hits = [
        float(sum(t in body_set for t in head_tokens)),
        float(sum(t in early_set for t in head_tokens)),
        float(sum(t in body_content for t in head_tokens if t not in STOP_WORDS)),
    ]
    for size in (2, 4, 8, 16):
        grams = [head_clean[i : i + size] for i in range(max(len(head_clean) - size + 1, 0))]
        hits += [float(sum(g in body_clean for g in grams)), float(sum(g in early for g in grams))]
    for size in (2, 3, 4, 5, 6):
        grams = [" ".join(head_tokens[i : i + size]) for i in range(max(len(head_tokens) - size + 1, 0))]
        hits += [float(sum(g in body_clean for g in grams)), float(sum(g in early for g in grams))]
    return [overlap, *refuting, *polarity, *hits]


# --- helpers --------------------------------------------------------------------------------------------


def featurize(pairs, bodies: dict[str, str], train_idx: Sequence[int], embedder, tfidf=None):
    """Pair feature matrix of all pairs, with a TF-IDF fitted on the train part's bodies and headlines.

    Only the TF-IDF is fitted (on `train_idx`, so a fold's held-out texts shape no vocabulary or IDF); the
    embeddings are the shipped static model's. Returns (matrix, tfidf).
    """
    from newsaudit.models.stance import STOP_WORDS, TfIdf, featurize_texts, pair_features, stem_cached, words

    if tfidf is None:
        train_bodies = sorted({pairs[i].body_id for i in train_idx})
        train_heads = sorted({pairs[i].headline for i in train_idx})
        documents = [bodies[b] for b in train_bodies] + train_heads
        tfidf = TfIdf.fit([stem_cached(w) for w in words(text) if w not in STOP_WORDS] for text in documents)
    body_ids = sorted(bodies)
    body_features = dict(zip(body_ids, featurize_texts([bodies[b] for b in body_ids], tfidf, embedder), strict=True))
    heads = sorted({pair.headline for pair in pairs})
    head_features = dict(zip(heads, featurize_texts(heads, tfidf, embedder, split=False), strict=True))
    x = np.stack([pair_features(head_features[p.headline], body_features[p.body_id]) for p in pairs])
    return x, tfidf


def labels_of(pairs) -> np.ndarray:
    """Class indices (`LABELS` order) of the pairs' stances."""
    from newsaudit.models.stance import LABELS

    return np.array([LABELS.index(pair.stance) for pair in pairs])


def _fit_lgbm(x: np.ndarray, y: np.ndarray, rounds: int = ROUNDS, weights: np.ndarray | None = None):
    import lightgbm as lgb

    return lgb.train(LGBM_PARAMS, lgb.Dataset(x, y, weight=weights, free_raw_data=False), num_boost_round=rounds)


def _two_stage(x_train, y_train, x_dev):
    """Related vs unrelated, then agree / disagree / discuss on the related pairs; probabilities multiply."""
    import lightgbm as lgb

    params = {**LGBM_PARAMS, "objective": "binary"}
    params.pop("num_class")
    related = y_train != 3
    first = lgb.train(params, lgb.Dataset(x_train, related.astype(int)), num_boost_round=ROUNDS)
    second = lgb.train(
        {**LGBM_PARAMS, "num_class": 3}, lgb.Dataset(x_train[related], y_train[related]), num_boost_round=ROUNDS
    )
    p_related = first.predict(x_dev)
    out = np.zeros((len(x_dev), 4))
    out[:, :3] = second.predict(x_dev) * p_related[:, None]
    out[:, 3] = 1 - p_related
    return out


def tune_bias(probabilities: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per-class log-probability offsets maximising FNC score + 100 × macro-F1 on held-out predictions.

    Coordinate ascent over a small grid, unrelated fixed at 0.
    """
    from newsaudit.evaluation.stance import LABELS, classification_report

    logp = np.log(np.clip(probabilities, 1e-12, 1))
    gold = [LABELS[i] for i in y]

    def objective(bias: np.ndarray) -> float:
        report = classification_report(gold, [LABELS[i] for i in (logp + bias).argmax(axis=1)])
        return report["fnc_score"] + 100 * report["macro_f1"]

    bias = np.zeros(4)
    best = objective(bias)
    grid = np.arange(-1.0, 2.01, 0.25)
    for _ in range(2):
        for k in range(3):
            for value in grid:
                trial = bias.copy()
                trial[k] = value
                score = objective(trial)
                if score > best + 1e-9:
                    best, bias = score, trial
    return bias


def fit_mlp(x: np.ndarray, y: np.ndarray):
    """A scikit-learn MLP on standardised features; returns (mean, scale, classifier)."""
    from sklearn.neural_network import MLPClassifier

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    model = MLPClassifier(**MLP_PARAMS, random_state=SEED).fit((x - mean) / scale, y)
    return mean, scale, model


def predict_mlp(fitted, x: np.ndarray) -> np.ndarray:
    """Class probabilities of a `fit_mlp` result, one column per label (0 for a class absent from training)."""
    from newsaudit.models.stance import LABELS

    mean, scale, model = fitted
    probabilities = model.predict_proba((x - mean) / scale)
    if probabilities.shape[1] == len(LABELS):
        return probabilities
    full = np.zeros((len(x), len(LABELS)))
    full[:, model.classes_] = probabilities
    return full


def oof_bias(x: np.ndarray, y: np.ndarray, groups: Sequence[str], folds: int = 3) -> np.ndarray:
    """Class biases tuned on out-of-fold MLP predictions (folds by group, e.g. headline)."""
    import zlib

    fold_of = np.array([zlib.crc32(g.encode("utf-8")) % folds for g in groups])
    oof = np.zeros((len(y), 4))
    for k in range(folds):
        oof[fold_of == k] = predict_mlp(fit_mlp(x[fold_of != k], y[fold_of != k]), x[fold_of == k])
    return tune_bias(oof, y)


def fit_recipe(x: np.ndarray, y: np.ndarray, groups: Sequence[str]):
    """The shipped recipe, `mlp+bias`, on one training part: (fitted MLP, class biases tuned out of fold).

    The biases come from 3 folds of the training part itself (by `groups`), so a caller validating on
    held-out folds chooses nothing on them.
    """
    return fit_mlp(x, y), oof_bias(x, y, groups)


def _report(name: str, split: str, probabilities_or_labels, y_dev, bias=None, seconds: float = 0.0) -> dict:
    from newsaudit.evaluation.stance import LABELS, classification_report

    arr = np.asarray(probabilities_or_labels)
    if arr.ndim == 2:
        scores = np.log(np.clip(arr, 1e-12, 1)) + (0 if bias is None else bias)
        predicted = [LABELS[i] for i in scores.argmax(axis=1)]
    else:
        predicted = [LABELS[i] for i in arr]
    report = classification_report([LABELS[i] for i in y_dev], predicted)
    report.pop("confusion")
    result = {"split": split, "variant": name, **report, "fit_s": round(seconds, 1)}
    if bias is not None:
        result["bias"] = [round(float(b), 2) for b in bias]
    print(json.dumps(result), flush=True)
    return result


def _standardise(x_train: np.ndarray, x_dev: np.ndarray):
    mean, std = x_train.mean(axis=0), x_train.std(axis=0) + 1e-6
    return (x_train - mean) / std, (x_dev - mean) / std


# --- the run ----------------------------------------------------------------------------------------------


def evaluate_split(split, pairs, bodies, train_idx, dev_idx, embedder, variants, baseline_x) -> list[dict]:
    from newsaudit.models.stance import SCALAR_FEATURES

    results = []
    y = labels_of(pairs)
    y_train, y_dev = y[train_idx], y[dev_idx]
    if "baseline" in variants:
        from sklearn.ensemble import GradientBoostingClassifier

        started = time.perf_counter()
        model = GradientBoostingClassifier(n_estimators=200, random_state=SEED)
        model.fit(baseline_x[train_idx], y_train)
        results.append(
            _report("baseline", split, model.predict(baseline_x[dev_idx]), y_dev, seconds=time.perf_counter() - started)
        )
    x, _ = featurize(pairs, bodies, train_idx, embedder)
    x_train, x_dev = x[train_idx], x[dev_idx]
    n_scalar = len(SCALAR_FEATURES)
    if "lr" in variants:
        from sklearn.linear_model import LogisticRegression

        started = time.perf_counter()
        a, b = _standardise(x_train, x_dev)
        model = LogisticRegression(C=1.0, max_iter=2000).fit(a, y_train)
        results.append(_report("lr", split, model.predict_proba(b), y_dev, seconds=time.perf_counter() - started))
    if "mlp" in variants:
        started = time.perf_counter()
        p_dev = predict_mlp(fit_mlp(x_train, y_train), x_dev)
        results.append(_report("mlp", split, p_dev, y_dev, seconds=time.perf_counter() - started))
        groups = [pairs[i].body_id if split == "baseline" else pairs[i].headline for i in train_idx]
        bias = oof_bias(x_train, y_train, groups)
        results.append(_report("mlp+bias", split, p_dev, y_dev, bias=bias, seconds=time.perf_counter() - started))
    if "lgbm_vectors" in variants:
        started = time.perf_counter()
        model = _fit_lgbm(x_train, y_train)
        results.append(
            _report("lgbm_vectors", split, model.predict(x_dev), y_dev, seconds=time.perf_counter() - started)
        )
    x_train, x_dev = x_train[:, :n_scalar], x_dev[:, :n_scalar]
    if "lgbm_two_stage" in variants:
        started = time.perf_counter()
        probabilities = _two_stage(x_train, y_train, x_dev)
        results.append(_report("lgbm_two_stage", split, probabilities, y_dev, seconds=time.perf_counter() - started))
    if "lgbm" in variants:
        started = time.perf_counter()
        model = _fit_lgbm(x_train, y_train)
        results.append(_report("lgbm", split, model.predict(x_dev), y_dev, seconds=time.perf_counter() - started))
    return results


def export(fitted, tfidf, bias: np.ndarray, meta: dict, out: Path) -> None:
    """Save the network's scaling and weights with the vocabulary and IDF, as `newsaudit.models.stance` loads them."""
    mean, scale, model = fitted
    vocabulary = sorted(tfidf.index, key=tfidf.index.__getitem__)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        vocabulary=np.array("\n".join(vocabulary)),
        idf=tfidf.idf.astype(np.float32),
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        w1=model.coefs_[0].astype(np.float32),
        b1=model.intercepts_[0].astype(np.float32),
        w2=model.coefs_[1].astype(np.float32),
        b2=model.intercepts_[1].astype(np.float32),
        bias=np.asarray(bias, dtype=np.float32),
        meta=np.array(json.dumps(meta)),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(DEFAULT_DATA))
    parser.add_argument(
        "--variants", default="default", help=f"comma-separated, from {','.join(VARIANTS)}; or default, all"
    )
    parser.add_argument("--splits", default="headline,baseline,strict", help="dev splits to report (or none)")
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--dry-run", action="store_true", help="measure only; write nothing")
    args = parser.parse_args(argv)

    from newsaudit.evaluation.stance import baseline_split, headline_split, read_bodies, read_stances, strict_split
    from newsaudit.models.embeddings import Embedder

    folder = Path(args.data) / "fnc1"
    if not (folder / "train_stances.csv").exists() or not (folder / "train_bodies.csv").exists():
        print(f"skipped: {folder}/train_stances.csv or train_bodies.csv not found")
        sys.exit(0)
    started = time.perf_counter()
    bodies = read_bodies(folder / "train_bodies.csv")
    pairs = read_stances(folder / "train_stances.csv")
    embedder = Embedder.default()
    variants = set({"all": VARIANTS, "default": DEFAULT_VARIANTS}.get(args.variants) or args.variants.split(","))
    baseline_x = None
    if "baseline" in variants:
        baseline_x = np.array([baseline_features(p.headline, bodies[p.body_id]) for p in pairs], dtype=np.float32)
    splits = {
        "headline": lambda: headline_split(pairs),
        "baseline": lambda: baseline_split(pairs, folder / "baseline_split" / "hold_out_ids.txt"),
        "strict": lambda: strict_split(pairs, folder / "baseline_split" / "hold_out_ids.txt"),
    }
    results = []
    for split in [s for s in args.splits.split(",") if s in splits]:
        train_idx, dev_idx = splits[split]()
        print(f"# split {split}: {len(train_idx)} train, {len(dev_idx)} dev pairs", file=sys.stderr, flush=True)
        results += evaluate_split(split, pairs, bodies, train_idx, dev_idx, embedder, variants, baseline_x)

    if args.dry_run:
        return
    fit_started = time.perf_counter()
    everything = list(range(len(pairs)))
    x, tfidf = featurize(pairs, bodies, everything, embedder)
    y = labels_of(pairs)
    model, bias = fit_recipe(x, y, [pair.headline for pair in pairs])
    meta = {
        "version": f"fnc1-mlp-{date.today().isoformat()}",
        "trained_on": "FNC-1 train_stances.csv (all 49,972 pairs)",
        "classifier": {"MLPClassifier": {**MLP_PARAMS, "random_state": SEED}},
        "bias": [round(float(b), 3) for b in bias],
        "dev": [r for r in results if r["variant"] in ("baseline", "mlp+bias")],
    }
    export(model, tfidf, bias, meta, args.out)
    from newsaudit.models.stance import StanceModel

    shipped = StanceModel.from_path(args.out)
    gap = float(np.abs(shipped.network.probabilities(x[:2000]) - predict_mlp(model, x[:2000])).max())
    print(f"# numpy network vs scikit-learn: max probability difference {gap:.2e}")
    if gap > 1e-3:
        raise SystemExit("the exported network does not reproduce scikit-learn's probabilities")
    size_mb = args.out.stat().st_size / 1e6
    fit_seconds, total_seconds = time.perf_counter() - fit_started, time.perf_counter() - started
    print(f"# wrote {args.out} ({size_mb:.2f} MB), final fit {fit_seconds:.0f} s, total {total_seconds:.0f} s")
