"""Readers of published fact-checks: files turned into `FactCheck` records, with a `Skipped` (where and why)
for each record they cannot use, never failing a whole file for one bad record.

- schema.org **ClaimReview**, the markup fact-checkers publish: a JSON or JSON-LD object, a list of them, a
  `@graph`, a DataFeed (`dataFeedElement[].item[]`), JSON Lines, or HTML pages carrying it in
  `<script type="application/ld+json">`. Fields used: `claimReviewed`, `reviewRating.alternateName`
  (the verdict), `itemReviewed.author.name` (who made the claim), `author.name` (the publisher), `url`,
  `datePublished`, `inLanguage`.
- the LIAR TSV layout (PolitiFact statements with their six-way verdicts).

Files are decoded the way `newsaudit audit` reads its input (`newsaudit.ingest.readers.decode`): gzip'ed or not,
with a byte-order mark, a declared `<meta charset>` or a detected encoding; a binary file is one `Skipped`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.errors import InputError
from newsaudit.ingest.readers.decode import decode

_LD_JSON = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """One published verdict on one claim."""

    claim_reviewed: str
    verdict: str | None = None
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    claimant: str | None = None
    language: str | None = None
    origin: str = "claimreview"

    @property
    def key(self) -> str:
        """Identity for idempotent adds: the same claim at the same address is the same fact-check."""
        normalised = " ".join(self.claim_reviewed.lower().split())
        return hashlib.sha1(f"{self.url or ''}\n{normalised}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record a reader could not use, where it was and why."""

    where: str
    reason: str


Record = FactCheck | Skipped


# -- readers -----------------------------------------------------------------------------------------------


def read_factchecks(path: str | Path) -> Iterator[Record]:
    """Fact-checks from a file: LIAR TSV by its `.tsv` (or `.tsv.gz`) name, ClaimReview (JSON, JSON-LD, JSONL,
    HTML, each possibly gzip'ed) otherwise."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes[-1:] == [".gz"]:
        suffixes.pop()
    # Not a generator itself: a missing file raises here, when called, before anything is read or written.
    return read_liar(path) if suffixes[-1:] == [".tsv"] else read_claimreview(path)


def read_claimreview(path: str | Path) -> Iterator[Record]:
    path = Path(path)
    try:
        text = _decoded(path)
    except InputError as error:
        yield Skipped(str(path), str(error))
        return
    stripped = text.lstrip()
    if stripped.startswith("<"):
        blocks = _LD_JSON.findall(text)
        if not blocks:
            yield Skipped(str(path), "HTML without a JSON-LD block")
        for number, block in enumerate(blocks, start=1):
            yield from _from_json_text(html.unescape(block.strip()), f"{path}: JSON-LD block {number}")
        return
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError:
        documents = None
    if documents is not None:
        yield from _from_document(documents[0], str(path))
        return
    for number, line in enumerate(text.splitlines(), start=1):  # JSON Lines
        if line.strip():
            yield from _from_json_text(line, f"{path}:{number}")


def _decoded(path: Path) -> str:
    """The file's text, as `audit` would decode it (no size limit: a feed of fact-checks may be large)."""
    return decode(path.read_bytes())


def _from_json_text(text: str, where: str) -> Iterator[Record]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        yield Skipped(where, f"invalid JSON ({error.msg} at character {error.pos})")
        return
    yield from _from_document(document, where)


def _from_document(document: Any, where: str) -> Iterator[Record]:
    reviews = list(_claim_reviews(document))
    if not reviews:
        yield Skipped(where, "no ClaimReview object")
    for number, review in enumerate(reviews, start=1):
        place = where if len(reviews) == 1 else f"{where} #{number}"
        yield _from_claim_review(review, place)


def _claim_reviews(node: Any) -> Iterator[dict]:
    """Every object typed ClaimReview, wherever it is nested (lists, @graph, DataFeed items)."""
    if isinstance(node, list):
        for item in node:
            yield from _claim_reviews(item)
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "ClaimReview" in kinds:
            yield node
            return
        for value in node.values():
            if isinstance(value, (list, dict)):
                yield from _claim_reviews(value)


def _from_claim_review(review: dict, where: str) -> Record:
    claim = _text(review.get("claimReviewed"))
    if not claim:
        return Skipped(where, "ClaimReview without claimReviewed")
    rating = review.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    verdict = None
    if isinstance(rating, dict):
        verdict = _text(rating.get("alternateName")) or _text(rating.get("name"))
        if verdict is None and rating.get("ratingValue") is not None:
            verdict = f"{rating['ratingValue']}/{rating.get('bestRating', '?')}"
    item = review.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    claimant = _name(item.get("author")) if isinstance(item, dict) else None
    return FactCheck(
        claim_reviewed=claim,
        verdict=verdict,
        publisher=_name(review.get("author")) or _name(review.get("publisher")),
        url=_text(review.get("url")),
        date=_text(review.get("datePublished")),
        claimant=claimant,
        language=_name(review.get("inLanguage")),
        origin="claimreview",
    )


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _name(value: Any) -> str | None:
    """A schema.org Person/Organization (or a list of them, or a bare string) as one name."""
    if isinstance(value, list):
        names = [name for name in (_name(item) for item in value) if name]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(value.get("name")) or _text(value.get("alternateName"))
    return _text(value)


#: LIAR's columns: id, label, statement, subjects, speaker, job, state, party, five counts, context.
_LIAR_COLUMNS = 14


def read_liar(path: str | Path) -> Iterator[Record]:
    path = Path(path)
    try:
        text = _decoded(path)
    except InputError as error:
        yield Skipped(str(path), str(error))
        return
    with io.StringIO(text, newline="") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
            where = f"{path}:{number}"
            if len(row) != _LIAR_COLUMNS:
                yield Skipped(where, f"{len(row)} columns, LIAR rows have {_LIAR_COLUMNS}")
                continue
            statement_id, label, statement, speaker = row[0], row[1], row[2], row[4]
            if not statement.strip():
                yield Skipped(where, "empty statement")
                continue
            yield FactCheck(
                claim_reviewed=" ".join(statement.split()),
                verdict=label or None,
                publisher="PolitiFact",
                url=f"liar:{statement_id}",
                claimant=speaker.replace("-", " ") or None,
                language="en",
                origin="liar",
            )
