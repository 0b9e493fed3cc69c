"""The corpus store: articles and their text-reuse index, one SQLite file or PostgreSQL by URL, same API."""

from newsaudit.errors import CorpusError
from newsaudit.stores.corpus.store import PREVIEW_CHARS, AddResult, Cluster, Corpus, ReuseMatch, earlier

__all__ = ["PREVIEW_CHARS", "AddResult", "Cluster", "Corpus", "CorpusError", "ReuseMatch", "earlier"]
