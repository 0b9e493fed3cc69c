"""Fact-check retrieval scored on Emergent: every article headline must find its own claim among all claims.

The claims (`claimHeadline`, one per `claimId`) are loaded into a throwaway in-memory `FactCheckStore`;
each distinct (article headline, claim) pair is a query whose right answer is that claim. Printed: recall at
1 and 5, mean reciprocal rank (0 when the claim is not among the first 50), and `n` queries; the same for
BM25 alone under `lexical`, measured in the same run.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from newsaudit.stores.factchecks import FactCheck, FactCheckStore

_DEPTH = 50


def load_emergent(path: str | Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Claims by id, and (headline, claim id) queries, from an Emergent CSV."""
    claims: dict[str, str] = {}
    queries: dict[tuple[str, str], None] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"claimHeadline", "articleHeadline", "claimId"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path} lacks the Emergent column(s) {', '.join(sorted(missing))}")
        for row in reader:
            claim, headline = row["claimHeadline"].strip(), row["articleHeadline"].strip()
            if claim and headline:
                claims.setdefault(row["claimId"], claim)
                queries[(headline, row["claimId"])] = None
    return claims, list(queries)


def rank_measures(ranks: Sequence[int | None]) -> dict[str, float]:
    """Recall@1, recall@5 and MRR from the 1-based rank of each query's answer (None: not retrieved)."""
    n = len(ranks)
    if not n:
        return {"recall_at_1": 0.0, "recall_at_5": 0.0, "mrr": 0.0}
    return {
        "recall_at_1": round(sum(rank == 1 for rank in ranks if rank) / n, 4),
        "recall_at_5": round(sum(rank <= 5 for rank in ranks if rank) / n, 4),
        "mrr": round(sum(1 / rank for rank in ranks if rank) / n, 4),
    }


def evaluate(path: str | Path) -> dict:
    claims, queries = load_emergent(path)
    if not queries:
        raise ValueError(f"{path} holds no (headline, claim) rows")
    with FactCheckStore(":memory:") as store:
        store.add(FactCheck(text, url=f"emergent:{claim_id}", origin="emergent") for claim_id, text in claims.items())
        headlines = [headline for headline, _ in queries]
        result: dict = {}
        for semantic in (True, False):
            found = store.search_many(headlines, limit=_DEPTH, semantic=semantic)
            ranks = [
                next((rank for rank, match in enumerate(matches, 1) if match.url == f"emergent:{claim_id}"), None)
                for matches, (_, claim_id) in zip(found, queries, strict=True)
            ]
            measures = rank_measures(ranks)
            if semantic:
                result |= measures
            else:
                result["lexical"] = measures
    return {**result, "n": len(queries), "n_claims": len(claims)}
