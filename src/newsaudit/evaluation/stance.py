"""Headline ↔ body stance scored the FNC-1 way, with the dev splits newsaudit reports on.

Layout: the FNC-1 files, `bodies.csv` (`Body ID`, `articleBody`) and `stances.csv` (`Headline`, `Body ID`,
`Stance`), labels `agree`, `disagree`, `discuss`, `unrelated`.

Metrics:
- `fnc_score`: the official FNC-1 score as a relative percentage. Per pair, +0.25 when related/unrelated is
  right, and for a related gold pair +0.75 more when the exact related label is right; divided by the most a
  perfect system could score (0.25 per unrelated pair, 1.0 per related one). `fnc_raw` and `fnc_max` too.
- `macro_f1` over the four classes and `f1` per class: the FNC score rewards the easy majority class, so
  Hanselowski et al. (COLING 2018) recommend reporting these beside it. Also `accuracy` and `n`.

Dev splits (neither is the competition test set, which is not public here):
- `headline`: a pair is dev when the SHA-1 of its headline (exact text, UTF-8) falls in the first 20 % of the
  hash range, so no dev headline occurs in train, whatever the order of the files. This is the harder split,
  closer to the competition test set (which shares almost no headline with train); bodies are shared.
- `baseline`: the fnc-1-baseline's split by body id (`baseline_split/hold_out_ids.txt`); every dev headline
  also occurs in train, so its scores run higher.
- `strict`: dev headline (as in `headline`) and dev body (as in `baseline`) at once; train keeps only pairs
  with neither, the rest is dropped. Nothing of a dev pair was seen in training, as on the competition test
  set, but dev is small (about 4 % of pairs) and train shrinks to about 64 %.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABELS = ("agree", "disagree", "discuss", "unrelated")
RELATED = frozenset(LABELS[:3])
#: Share of headlines (by hash) in the headline-disjoint dev split.
DEV_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class Pair:
    headline: str
    body_id: str
    stance: str


def read_bodies(path: str | Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def read_stances(path: str | Path) -> list[Pair]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Pair(row["Headline"], row["Body ID"], row.get("Stance", "")) for row in csv.DictReader(handle)]


def is_dev_headline(headline: str, share: float = DEV_SHARE) -> bool:
    """Whether a headline belongs to the headline-disjoint dev split (a fixed hash of its exact text)."""
    digest = hashlib.sha1(headline.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def headline_split(pairs: Sequence[Pair], share: float = DEV_SHARE) -> tuple[list[int], list[int]]:
    """Indices of the (train, dev) pairs of the headline-disjoint split."""
    train, dev = [], []
    for index, pair in enumerate(pairs):
        (dev if is_dev_headline(pair.headline, share) else train).append(index)
    return train, dev


def baseline_split(pairs: Sequence[Pair], hold_out_ids: str | Path) -> tuple[list[int], list[int]]:
    """Indices of the (train, dev) pairs of the fnc-1-baseline split, given its `hold_out_ids.txt`."""
    hold_out = set(Path(hold_out_ids).read_text(encoding="utf-8").split())
    train, dev = [], []
    for index, pair in enumerate(pairs):
        (dev if pair.body_id in hold_out else train).append(index)
    return train, dev


def strict_split(pairs: Sequence[Pair], hold_out_ids: str | Path) -> tuple[list[int], list[int]]:
    """Indices of the (train, dev) pairs of the strict split: dev headline and dev body, or neither."""
    hold_out = set(Path(hold_out_ids).read_text(encoding="utf-8").split())
    train, dev = [], []
    for index, pair in enumerate(pairs):
        dev_headline, dev_body = is_dev_headline(pair.headline), pair.body_id in hold_out
        if dev_headline and dev_body:
            dev.append(index)
        elif not dev_headline and not dev_body:
            train.append(index)
    return train, dev


def write_split(
    bodies_csv: str | Path, stances_csv: str | Path, indices: Iterable[int], out_dir: str | Path | None = None
) -> tuple[Path, Path]:
    """Write the selected pairs (and the bodies they use) as FNC-1 CSVs, e.g. for `newsaudit eval stance`.

    Returns the (bodies, stances) paths; `out_dir` defaults to a new temporary folder.
    """
    bodies = read_bodies(bodies_csv)
    pairs = read_stances(stances_csv)
    selected = [pairs[i] for i in indices]
    folder = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="fnc1_split_"))
    folder.mkdir(parents=True, exist_ok=True)
    used = sorted({pair.body_id for pair in selected}, key=lambda key: (len(key), key))
    with open(folder / "bodies.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerows([body_id, bodies[body_id]] for body_id in used)
    with open(folder / "stances.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows([pair.headline, pair.body_id, pair.stance] for pair in selected)
    return folder / "bodies.csv", folder / "stances.csv"


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """The official FNC-1 (raw score, maximum possible score) of predicted labels against gold ones."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    raw = best = 0.0
    for truth, guess in zip(gold, predicted, strict=True):
        related = truth in RELATED
        best += 1.0 if related else 0.25
        if related == (guess in RELATED):
            raw += 0.25
            if related and truth == guess:
                raw += 0.75
    return raw, best


def label_report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over `labels`, F1 per label, n and the confusion matrix (gold row, predicted column):
    the classification measures every stance-like task here reports (FNC-1, Emergent, related pairs)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    confusion = {truth: dict.fromkeys(labels, 0) for truth in labels}
    for truth, guess in zip(gold, predicted, strict=True):
        confusion[truth][guess] += 1
    f1 = {}
    for label in labels:
        hits = confusion[label][label]
        n_gold = sum(confusion[label].values())
        n_predicted = sum(confusion[truth][label] for truth in labels)
        f1[label] = round(2 * hits / (n_gold + n_predicted), 4) if n_gold + n_predicted else 0.0
    n = len(gold)
    return {
        "accuracy": round(sum(confusion[label][label] for label in labels) / n, 4) if n else 0.0,
        "macro_f1": round(sum(f1.values()) / len(labels), 4),
        "f1": f1,
        "n": n,
        "confusion": confusion,
    }


def classification_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """FNC score (relative %), macro-F1, per-class F1, accuracy, confusion matrix (gold row, predicted column)."""
    raw, best = fnc_score(gold, predicted)
    measures = label_report(gold, predicted, LABELS)
    return {
        "fnc_score": round(100 * raw / best, 2) if best else 0.0,
        "fnc_raw": raw,
        "fnc_max": best,
        **{key: measures[key] for key in ("macro_f1", "f1", "accuracy", "n", "confusion")},
    }


def evaluate(
    bodies_csv: str | Path,
    stances_csv: str | Path,
    predict_many: Callable[[list[tuple[str, str]]], Sequence[Any]],
    subset: str | Iterable[int] | None = None,
) -> dict[str, Any]:
    """Predict every (headline, body) pair of the files and score the predictions.

    `predict_many` takes the pairs and returns one label, or one dict with a `label`, per pair. `subset`
    restricts scoring to some pairs: `"headline-dev"` (the headline-disjoint dev split), `"baseline-dev"`
    (the fnc-1-baseline split; its `baseline_split/hold_out_ids.txt` must sit beside the stances file),
    `"strict-dev"` (both at once, same file needed), or
    an iterable of row indices.
    """
    bodies = read_bodies(bodies_csv)
    pairs = read_stances(stances_csv)
    if subset == "headline-dev":
        pairs = [pairs[i] for i in headline_split(pairs)[1]]
    elif subset == "baseline-dev":
        ids = Path(stances_csv).parent / "baseline_split" / "hold_out_ids.txt"
        pairs = [pairs[i] for i in baseline_split(pairs, ids)[1]]
    elif subset == "strict-dev":
        ids = Path(stances_csv).parent / "baseline_split" / "hold_out_ids.txt"
        pairs = [pairs[i] for i in strict_split(pairs, ids)[1]]
    elif subset is not None:
        if isinstance(subset, str):
            raise ValueError(f"unknown subset {subset!r}: use headline-dev, baseline-dev, strict-dev or row indices")
        pairs = [pairs[i] for i in subset]
    unknown = sorted({pair.stance for pair in pairs} - set(LABELS))
    if unknown:
        raise ValueError(f"unknown stance labels {unknown}; expected {LABELS}")
    predictions = predict_many([(pair.headline, bodies[pair.body_id]) for pair in pairs])
    labels = [p["label"] if isinstance(p, dict) else str(p) for p in predictions]
    return classification_report([pair.stance for pair in pairs], labels)
