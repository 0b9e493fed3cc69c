"""The fact-check store: published fact-checks (ClaimReview, LIAR) with full-text and embedding search.

`readers` turns files into `FactCheck` records; `store` has `FactCheckStore` and its search.
"""

from newsaudit.errors import FactCheckError
from newsaudit.stores.base import AddResult
from newsaudit.stores.factchecks.readers import FactCheck, Skipped, read_claimreview, read_factchecks, read_liar
from newsaudit.stores.factchecks.store import MIN_SCORE, SEMANTIC_WEIGHT, FactCheckStore

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
