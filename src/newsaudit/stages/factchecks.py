"""The `factchecks` stage: published fact-checks that may concern each claim, from the fact-check store.

Its finding is one tuple of matches per claim, in claim order (empty without a store); the audit puts each
tuple into its claim (`Claim.factchecks`, see `newsaudit.schema.assemble`). Each worker opens the store
read-only, loads the embeddings once, and queries all of an article's claims in one matrix product.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsaudit.schema import Claim, FactCheckMatch
from newsaudit.stages.registry import Context, stage
from newsaudit.stores.factchecks import MIN_SCORE, FactCheckStore


@stage("factchecks", requires=("claims",), assigns=("factchecks",))
def factchecks(context: Context) -> dict[str, Any]:
    claims = context.findings["claims"]
    store = context.stores.open_factchecks() if context.stores is not None and claims else None
    return {"factchecks": match_claims(claims, store) if store is not None else ()}


def match_claims(
    claims: Sequence[Claim], store: FactCheckStore, limit: int = 3, min_score: float = MIN_SCORE
) -> tuple[tuple[FactCheckMatch, ...], ...]:
    """Each claim's best matching fact-checks (at most `limit`, scoring at least `min_score`)."""
    found = store.search_many([claim.span.text for claim in claims], limit)
    return tuple(tuple(match for match in matches if match.score >= min_score) for matches in found)
