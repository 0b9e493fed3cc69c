"""The fact-check store: published fact-checks (ClaimReview, LIAR) with full-text and embedding search."""

from newsaudit.errors import FactCheckError
from newsaudit.stores.factchecks.store import (
    MIN_SCORE,
    SEMANTIC_WEIGHT,
    AddResult,
    FactCheck,
    FactCheckStore,
    Skipped,
    read_claimreview,
    read_factchecks,
    read_liar,
)

__all__ = [
    "MIN_SCORE",
    "SEMANTIC_WEIGHT",
    "AddResult",
    "FactCheck",
    "FactCheckError",
    "FactCheckStore",
    "Skipped",
    "read_claimreview",
    "read_factchecks",
    "read_liar",
]
