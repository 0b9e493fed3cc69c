"""The corpus store: articles and their text-reuse index, one SQLite file or PostgreSQL by URL, same API.

`store` has `Corpus`, `backends` the SQLite and PostgreSQL backends, `matches` what look-ups return, and
`fingerprints` the MinHash/alignment algorithm.
"""

from newsaudit.errors import CorpusError
from newsaudit.stores.base import AddResult
from newsaudit.stores.corpus.matches import PREVIEW_CHARS, Cluster, ReuseMatch, earlier
from newsaudit.stores.corpus.store import Corpus

__all__ = ["PREVIEW_CHARS", "AddResult", "Cluster", "Corpus", "CorpusError", "ReuseMatch", "earlier"]
