"""The source-reputation store: site lists the user loads, normalised to reliable / mixed / satire / unreliable.

`lists` reads the list files and normalises their ratings (and `site_of`, the domain names they are keyed by);
`store` has `SourceStore` and `add_sources`.
"""

from newsaudit.errors import SourceStoreError
from newsaudit.stores.base import AddResult
from newsaudit.stores.sources.lists import (
    FORMATS,
    LEVEL_OF_TAG,
    LEVELS,
    TAG_SPELLINGS,
    Skipped,
    SourceRating,
    level_of,
    normalise_tag,
    read_ratings,
    site_of,
)
from newsaudit.stores.sources.store import Reputation, SourceStore, add_sources

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
