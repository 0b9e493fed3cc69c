"""The stores: the corpus (articles and their reuse index), published fact-checks, and site-reputation lists.

Each is one SQLite file by default (the corpus also PostgreSQL by URL), opened through what `base` shares
(`SQLiteStore`, `AddResult`). `Stores` names the ones an audit uses and opens each once per process, on first use,
for the stages that read them (the fact-check and source stores read-only; the corpus as `Corpus` opens it).
`Stores.check` opens each one up front, so a missing or corrupt store stops a run once, before its first article.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsaudit.settings import Settings
    from newsaudit.stores.corpus import Corpus
    from newsaudit.stores.factchecks import FactCheckStore
    from newsaudit.stores.sources import SourceStore


@dataclass(frozen=True, slots=True)
class Stores:
    """Where the stores an audit reads are (None: not used). Plain strings, so it crosses process boundaries."""

    corpus: str | None = None
    factchecks: str | None = None
    sources: str | None = None
    owners: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Stores:
        return cls(
            settings.corpus or None, settings.factchecks or None, settings.sources or None, settings.owners or None
        )

    def owner_list(self) -> dict[str, str]:
        """The loaded owner list (domain → owner), empty when none is named."""
        from newsaudit.stores.sources.owners import read_owners

        return read_owners(self.owners) if self.owners else {}

    def check(self) -> None:
        """Open every store named here and close it again: a missing, corrupt or foreign store raises its error
        (`CorpusError`, `FactCheckError`, `SourceStoreError`) now, once, instead of one error in every audit.

        A corpus file must exist already and hold the corpus tables: checking never creates one.
        """
        from newsaudit.stores.corpus import Corpus
        from newsaudit.stores.corpus.backends import SQLiteBackend
        from newsaudit.stores.factchecks import FactCheckStore
        from newsaudit.stores.sources import SourceStore

        if self.corpus:
            if not self.corpus.startswith(("postgresql://", "postgres://")) and self.corpus != ":memory:":
                SQLiteBackend(self.corpus, read_only=True).close()
            Corpus(self.corpus).close()
        if self.factchecks:
            FactCheckStore(self.factchecks, read_only=True).close()
        if self.sources:
            SourceStore(self.sources, read_only=True).close()
        self.owner_list()

    def open_corpus(self) -> Corpus | None:
        from newsaudit.stores.corpus import Corpus

        return _opened(Corpus, self.corpus, os.getpid()) if self.corpus else None

    def open_factchecks(self) -> FactCheckStore | None:
        from newsaudit.stores.factchecks import FactCheckStore

        return _opened(FactCheckStore, self.factchecks, os.getpid(), read_only=True) if self.factchecks else None

    def open_sources(self) -> SourceStore | None:
        from newsaudit.stores.sources import SourceStore

        return _opened(SourceStore, self.sources, os.getpid(), read_only=True) if self.sources else None


@cache
def _opened(kind: type, location: str, pid: int, **options):
    """One handle per store, location and process: a database handle must not cross a fork."""
    return kind(location, **options)
