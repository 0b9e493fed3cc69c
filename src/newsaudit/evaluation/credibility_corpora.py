"""The shared labelled corpora (FA-KES, the FakeNewsCorpus sample) as rows of the credibility contract CSV
that `newsaudit eval credibility` reads (`newsaudit.evaluation.credibility`)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path


def fakes_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """FA-KES (`FA-KES-Dataset.csv`, latin-1, labels 1 credible / 0 fake) as contract rows."""
    with open(path, encoding="latin-1", newline="") as handle:
        for record in csv.DictReader(handle):
            yield {
                "text": record["article_content"],
                "title": record["article_title"],
                "domain": record["source"].strip().lower(),
                "label": "credible" if record["labels"].strip() == "1" else "fake",
                "published": record.get("date", ""),
            }


def fakenewscorpus_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """The FakeNewsCorpus sample (`news_sample.csv`) as contract rows; its site-level types become the label
    (rows typed `unknown` or untyped are left out)."""
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            label = (record.get("type") or "").strip().lower()
            if label in ("", "unknown"):
                continue
            yield {
                "text": record["content"],
                "title": record.get("title", ""),
                "domain": record["domain"].strip().lower(),
                "label": label,
                "url": record.get("url", ""),
                "authors": record.get("authors", ""),
            }


def write_contract_csv(rows: Iterable[dict[str, str]], path: str | Path) -> int:
    """Write contract rows to `path`; returns how many."""
    columns = ["text", "title", "domain", "label", "url", "authors", "published"]
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
            count += 1
    return count
