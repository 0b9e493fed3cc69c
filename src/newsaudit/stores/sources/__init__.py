"""The source-reputation store: site lists the user loads, normalised to reliable / mixed / satire / unreliable."""

from newsaudit.errors import SourceStoreError
from newsaudit.stores.sources.store import (
    FORMATS,
    LEVEL_OF_TAG,
    LEVELS,
    TAG_SPELLINGS,
    AddResult,
    Reputation,
    Skipped,
    SourceRating,
    SourceStore,
    add_sources,
    level_of,
    normalise_tag,
    read_ratings,
    site_of,
)

__all__ = [
    "FORMATS",
    "LEVELS",
    "LEVEL_OF_TAG",
    "TAG_SPELLINGS",
    "AddResult",
    "Reputation",
    "Skipped",
    "SourceRating",
    "SourceStore",
    "SourceStoreError",
    "add_sources",
    "level_of",
    "normalise_tag",
    "read_ratings",
    "site_of",
]
