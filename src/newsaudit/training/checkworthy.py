"""Rebuild `src/newsaudit/models/checkworthy.json`, the check-worthiness model, from the shared data.

    pip install -e ".[train]"
    python scripts/train_checkworthy.py [--data ../shared/data] [--out PATH]

Training sentences: all of ClaimBuster's 2.5×NCS set (`claimbuster/kfold_25ncs.json`) and the CLEF-2019
CheckThat! Task 1 training transcripts except `newsaudit.evaluation.checkworthy.DEV_TRANSCRIPTS`, which are
kept out and scored after training (MAP and the other official measures are printed). Each sentence is
parsed on its own with the pipeline's spaCy model, described by `newsaudit.models.checkworthy.sentence_features`,
and a logistic regression is fitted; weights below `--prune` are dropped and the rest written as a JSON
table that newsaudit scores without scikit-learn. About a minute on two cores.

The claim threshold written into the model is the score above which the top `--claim-share` of sentences
of the FakeNewsCorpus sample and FNC-1 bodies fall (news prose, not the training speech), so that "claims"
means the same share of an ordinary article whatever the training mix does to the probabilities.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from newsaudit.training import DEFAULT_DATA, MODELS

MODEL = MODELS / "checkworthy.json"
#: The shipped recipe's settings (the defaults of the options below; `training.checkworthy_folds` refits it).
C = 0.1
CLEF_WEIGHT = 0.2
PRUNE = 0.05


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(DEFAULT_DATA))
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    parser.add_argument("--clef-weight", type=float, default=CLEF_WEIGHT, help="sample weight of CLEF sentences")
    parser.add_argument("--sources", default="claimbuster,clef", help="comma-separated training sources")
    parser.add_argument("--prune", type=float, default=PRUNE, help="drop weights smaller than this")
    parser.add_argument("--claim-share", type=float, default=0.25, help="share of news sentences listed as claims")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--dry-run", action="store_true", help="measure only; write nothing")
    args = parser.parse_args(argv)

    from newsaudit.evaluation.checkworthy import DEV_TRANSCRIPTS, evaluate, transcripts
    from newsaudit.models.checkworthy import CheckWorthiness, sentence_features
    from newsaudit.nlp import load_pipeline
    from newsaudit.settings import Settings

    data = Path(args.data)
    clef = data / "clef2019_checkthat_task1" / "training"
    claimbuster = data / "claimbuster" / "kfold_25ncs.json"
    if not clef.exists() or not claimbuster.exists():
        print(f"skipped: {clef} or {claimbuster} not found")
        sys.exit(0)
    texts, labels, weights = [], [], []
    sources = set(args.sources.split(","))
    if "claimbuster" in sources:
        for text, label in read_claimbuster(claimbuster):
            texts.append(text)
            labels.append(label)
            weights.append(1.0)
    if "clef" in sources:
        for name, lines in transcripts(clef).items():
            if name in DEV_TRANSCRIPTS:
                continue
            for line in lines:
                texts.append(line.text)
                labels.append(line.label)
                weights.append(args.clef_weight)

    nlp = load_pipeline(Settings().model)
    features = [
        dict.fromkeys(sentence_features(doc), 1) for doc in nlp.pipe(texts, batch_size=256, n_process=args.workers)
    ]
    table = _fit(features, labels, weights, args.c, args.prune)
    model = CheckWorthiness(table)

    def score(batch: list[str]) -> list[float]:
        return [model.score(doc) for doc in nlp.pipe(batch, batch_size=256, n_process=args.workers)]

    dev = evaluate(clef, score, only=DEV_TRANSCRIPTS)
    print(json.dumps({"training_sentences": len(texts), "weights": len(table), "clef_dev": dev}))
    threshold = _news_threshold(data, model, nlp, args)
    print(f"claim threshold {threshold:.4f} (top {args.claim_share:.0%} of news sentences)")
    if args.dry_run:
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "version": f"{date.today():%Y.%m.%d}",
        "source": "ClaimBuster 2.5xNCS + CLEF-2019 CheckThat! Task 1 training minus dev; scripts/train_checkworthy.py",
        "clef_dev": dev,
        "threshold": round(threshold, 4),
        "weights": dict(sorted(table.items())),
    }
    args.out.write_text(json.dumps(payload, indent=0) + "\n", encoding="utf-8")
    print(f"{len(table)} weights -> {args.out}")


def read_claimbuster(path: Path) -> list[tuple[str, int]]:
    """(sentence, label) of ClaimBuster's `kfold_25ncs.json` (1 = check-worthy factual sentence)."""
    return [(row["text"], int(row["label"])) for row in json.loads(path.read_text(encoding="utf-8"))]


def fit_logistic(matrix, labels, weights, c: float):
    """The recipe's classifier: an L2 logistic regression with per-sentence weights (CLEF down-weighted)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000).fit(matrix, labels, sample_weight=weights)


def _fit(features, labels, weights, c: float, prune: float) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(features)
    model = fit_logistic(matrix, labels, weights, c)
    table = {
        name: round(float(weight), 4)
        for name, weight in zip(vectorizer.feature_names_, model.coef_[0], strict=True)
        if abs(weight) >= prune
    }
    table["bias"] = round(table.get("bias", 0.0) + float(model.intercept_[0]), 4)
    return table


def _news_threshold(data: Path, model, nlp, args) -> float:
    """The score at the top `claim_share` quantile of the sentences of a few hundred news articles."""
    import csv

    csv.field_size_limit(sys.maxsize)
    texts = []
    for path, column in ((data / "fnc1" / "train_bodies.csv", "articleBody"),):
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                texts += [row[column] for _, row in zip(range(300), csv.DictReader(handle), strict=False)]
    sample = data / "fakenewscorpus_sample" / "news_sample.csv"
    if sample.exists():
        with sample.open(encoding="utf-8", newline="") as handle:
            texts += [row["content"] for _, row in zip(range(300), csv.DictReader(handle), strict=False)]
    scores = sorted(
        model.score(sentence)
        for doc in nlp.pipe(texts, batch_size=32, n_process=args.workers)
        for sentence in doc.sents
        if any(token.is_alpha for token in sentence)
    )
    if not scores:
        return 0.5
    return scores[int(len(scores) * (1 - args.claim_share))]
