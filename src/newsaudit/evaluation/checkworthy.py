"""Check-worthiness ranking scored the CLEF-2019 CheckThat! Task 1 way.

Layout: a folder of transcripts, `<name>.tsv`, tab-separated without a header: line number, speaker,
sentence, label (1 = check-worthy). Every sentence of a transcript gets a score; the transcript's sentences
are ranked by it (ties keep transcript order) and the official measures are averaged over transcripts:
mean average precision (`map`, the task's main measure), mean R-precision, mean reciprocal rank of the first
check-worthy sentence, and mean precision at 1, 3, 5, 10, 20 and 50.

`DEV_TRANSCRIPTS` are the ones newsaudit keeps out of training to report on: every fourth training
transcript in date order starting with the first, fixed before any model was measured (their check-worthy
rate, 2.2 %, is close to the whole set's 2.7 % and the held-out test set's 1.9 %).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEV_TRANSCRIPTS = (
    "20160209_msnbc_dem",
    "20160926_1pres",
    "20170216_trump_press",
    "20170928_trump_tax",
    "20181112_trump_pelosi",
)
CUTOFFS = (1, 3, 5, 10, 20, 50)


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    speaker: str
    text: str
    label: int


def read_transcript(path: str | Path) -> list[Line]:
    lines = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 4 or not row[0].strip().isdigit():
                continue
            lines.append(Line(int(row[0]), row[1], row[2], int(row[3] or 0)))
    return lines


def transcripts(folder: str | Path, only: Sequence[str] | None = None) -> dict[str, list[Line]]:
    """The transcripts of a folder by name (file stem), optionally only the named ones."""
    paths = sorted(Path(folder).glob("*.tsv"))
    if only is not None:
        paths = [path for path in paths if path.stem in set(only)]
    return {path.stem: read_transcript(path) for path in paths}


def ranking_measures(scores: Sequence[float], labels: Sequence[int]) -> dict[str, float]:
    """Average precision, R-precision, reciprocal rank and P@k of one ranked transcript."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    ranked = [labels[i] for i in order]
    relevant = sum(ranked)
    hits, precision_sum, reciprocal_rank = 0, 0.0, 0.0
    for rank, label in enumerate(ranked, start=1):
        if label:
            hits += 1
            precision_sum += hits / rank
            reciprocal_rank = reciprocal_rank or 1 / rank
    measures = {
        "average_precision": precision_sum / relevant if relevant else 0.0,
        "r_precision": sum(ranked[:relevant]) / relevant if relevant else 0.0,
        "reciprocal_rank": reciprocal_rank,
    }
    measures |= {f"p_at_{k}": sum(ranked[:k]) / k for k in CUTOFFS}
    return measures


def evaluate(
    folder: str | Path, score: Callable[[list[str]], list[float]], only: Sequence[str] | None = None
) -> dict[str, float | int]:
    """Score every transcript of `folder` with `score` (sentences in, one score each out) and average."""
    selected = transcripts(folder, only)
    per_file = []
    n_sentences = 0
    for lines in selected.values():
        if not lines:
            continue
        scores = score([line.text for line in lines])
        per_file.append(ranking_measures(scores, [line.label for line in lines]))
        n_sentences += len(lines)
    if not per_file:
        raise ValueError(f"no transcripts (*.tsv with line, speaker, text, label) found in {folder}")
    mean = {key: round(sum(m[key] for m in per_file) / len(per_file), 4) for key in per_file[0]}
    return {
        "map": mean.pop("average_precision"),
        "r_precision": mean.pop("r_precision"),
        "mrr": mean.pop("reciprocal_rank"),
        **mean,
        "n_files": len(per_file),
        "n_sentences": n_sentences,
    }


def scorer(workers: int | None = None) -> Callable[[list[str]], list[float]]:
    """Score standalone sentences with newsaudit's shipped check-worthiness model (each parsed on its own)."""

    def score(texts: list[str]) -> list[float]:
        from newsaudit.models.checkworthy import CheckWorthiness
        from newsaudit.nlp import load_pipeline
        from newsaudit.settings import Settings

        model = CheckWorthiness.default()
        nlp = load_pipeline(Settings().model)
        return [model.score(doc) for doc in nlp.pipe(texts, batch_size=256, n_process=workers or 1)]

    return score
