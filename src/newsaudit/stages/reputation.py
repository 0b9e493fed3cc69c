"""The `reputation` stage: the article's site looked up in the source-reputation lists the user loaded.

Its finding is `(level, signal)`: the site's level for the credibility model ("unknown" when no list rates
it, never "reliable") and the `source_reputation` signal naming every list's rating; None without a store.
"""

from __future__ import annotations

from typing import Any

from newsaudit.schema import Article, Signal
from newsaudit.stages.registry import Context, stage
from newsaudit.stores.sources import LEVELS, SourceStore


@stage("reputation", assigns=("reputation",))
def reputation(context: Context) -> dict[str, Any]:
    store = context.stores.open_sources() if context.stores is not None else None
    return {"reputation": reputation_signal(context.article, store) if store is not None else None}


#: The reputation signal's value: the level's rank (0 reliable … 3 unreliable); -1 for a site no list rates.
_LEVEL_VALUE = {level: float(rank) for rank, level in enumerate(LEVELS)}


def reputation_signal(article: Article, store: SourceStore) -> tuple[str, Signal]:
    """The article's site looked up in the loaded lists: its level ("unknown" when unlisted, never
    "reliable") and a `source_reputation` signal naming every list's rating."""
    site = article.url or article.domain
    found = store.lookup(site) if site else None
    if found is None:
        where = article.domain or article.url or "this article's site"
        return "unknown", Signal(
            "source_reputation",
            -1.0,
            "neutral",
            f"{where} is not rated by any loaded source list (unknown, which is not the same as reliable)."
            if site
            else "The article's site is not known, so no source list could rate it.",
        )
    ratings = "; ".join(
        f"{rating.list_name}: {rating.level}" + (f" ({', '.join(rating.tags)})" if rating.tags else "")
        for rating in found.ratings
    )
    disagreement = "" if found.agreed else " The lists disagree; the most severe rating counts."
    return found.level, Signal(
        "source_reputation",
        _LEVEL_VALUE[found.level],
        "lowers" if found.level in ("unreliable", "satire", "mixed") else "raises",
        f"{found.matched} is rated {found.level} by the loaded source lists ({ratings}).{disagreement}",
    )
