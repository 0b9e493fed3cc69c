"""Main-text extraction quality, scored the way the article-extraction benchmark scores it.

Metric (the benchmark's `evaluate.py`, reimplemented): tokens are `\\w+` matches; each text becomes a multiset
of 4-token shingles (or one shingle of all tokens when there are fewer than 4); per page, true positives,
false positives and false negatives are the multiset overlaps, normalised to sum to one so long pages do
not dominate; precision is the mean over pages with a prediction, recall the mean over pages with gold text;
F1 is the harmonic mean of those two means.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text)
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    true_positive: int
    false_positive: int
    false_negative: int
    exact: bool

    @property
    def precision(self) -> float | None:
        """None when nothing was predicted: such pages do not enter the mean precision (as in the benchmark)."""
        if self.false_positive == self.false_negative == 0:
            return 1.0
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        if self.false_positive == self.false_negative == 0:
            return 1.0
        relevant = self.true_positive + self.false_negative
        return self.true_positive / relevant if relevant else None


def score_page(predicted: str, gold: str) -> PageScore:
    predicted_shingles, gold_shingles = shingles(predicted), shingles(gold)
    return PageScore(
        true_positive=sum((predicted_shingles & gold_shingles).values()),
        false_positive=sum((predicted_shingles - gold_shingles).values()),
        false_negative=sum((gold_shingles - predicted_shingles).values()),
        exact=_TOKEN.findall(predicted) == _TOKEN.findall(gold),
    )


def summarise(scores: Iterable[PageScore]) -> dict[str, float | int]:
    scores = list(scores)
    precisions = [score.precision for score in scores if score.precision is not None]
    recalls = [score.recall for score in scores if score.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": round(f1, 4),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "accuracy": round(sum(score.exact for score in scores) / len(scores), 4) if scores else 0.0,
        "n": len(scores),
        "empty_predictions": sum(score.true_positive + score.false_positive == 0 for score in scores),
    }


def load_benchmark(html_dir: str | Path, ground_truth: str | Path) -> list[tuple[str, str, str, str]]:
    """(id, html, url, gold body) for every page in `html_dir` that the ground truth covers.

    The ground truth may list more ids than there are pages (a held-out part): only pages present count.
    """
    gold = json.loads(Path(ground_truth).read_text(encoding="utf-8"))
    pages = []
    for path in sorted(Path(html_dir).iterdir()):
        page_id = path.name.split(".", 1)[0]
        if page_id not in gold or not path.name.endswith((".html", ".html.gz", ".htm")):
            continue
        data = path.read_bytes()
        html = (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8", errors="replace")
        pages.append((page_id, html, gold[page_id].get("url") or "", gold[page_id]["articleBody"]))
    return pages


def newsaudit_extractor(html: str, url: str, extraction: str = "precision") -> str:
    """newsaudit's extraction path exactly as an audit runs it, chrome removal included."""
    from newsaudit.errors import NoArticleError
    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import RawDocument

    raw = RawDocument(html, "html", url, "html", {"url": url} if url else {})
    try:
        return extract_article(raw, extraction=extraction).text
    except NoArticleError:
        return ""


def trafilatura_extractor(html: str, url: str) -> str:
    """Plain trafilatura with its defaults: the reference newsaudit must not fall below."""
    import trafilatura

    return trafilatura.extract(html, url=url or None) or ""


def evaluate(
    html_dir: str | Path, ground_truth: str | Path, extractor: Callable[[str, str], str] = newsaudit_extractor
) -> dict[str, float | int]:
    pages = load_benchmark(html_dir, ground_truth)
    return summarise(score_page(extractor(html, url), gold) for _, html, url, gold in pages)
