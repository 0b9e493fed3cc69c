"""`Stores.check`: a missing, corrupt or foreign store is found once, up front, with its own error."""

from __future__ import annotations

import pytest

from newsaudit.errors import CorpusError, FactCheckError, SourceStoreError
from newsaudit.stores import Stores
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.factchecks import FactCheck, FactCheckStore


def corrupt(path):
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    return str(path)


@pytest.mark.parametrize(
    ("field", "error"), [("corpus", CorpusError), ("factchecks", FactCheckError), ("sources", SourceStoreError)]
)
def test_a_corrupt_store_raises_its_own_error(tmp_path, field, error):
    with pytest.raises(error, match="not a usable"):
        Stores(**{field: corrupt(tmp_path / f"{field}.db")}).check()


@pytest.mark.parametrize(
    ("field", "error"), [("corpus", CorpusError), ("factchecks", FactCheckError), ("sources", SourceStoreError)]
)
def test_a_missing_store_raises_and_is_not_created(tmp_path, field, error):
    missing = tmp_path / f"{field}.db"
    with pytest.raises(error, match="no "):
        Stores(**{field: str(missing)}).check()
    assert not missing.exists()


def test_a_store_of_another_kind_is_refused_untouched(tmp_path):
    factchecks = tmp_path / "factchecks.db"
    with FactCheckStore(factchecks) as store:
        store.add([FactCheck("The fictional Brennhaven tram is free on Sundays.", "false")])
    before = factchecks.read_bytes()
    with pytest.raises(CorpusError, match="not a usable corpus"):
        Stores(corpus=str(factchecks)).check()
    with pytest.raises(FactCheckError, match="not a usable fact-check store"):
        Stores(factchecks=str(_corpus(tmp_path))).check()
    assert factchecks.read_bytes() == before


def test_usable_stores_pass(tmp_path):
    factchecks = tmp_path / "factchecks.db"
    FactCheckStore(factchecks).close()
    Stores(corpus=str(_corpus(tmp_path)), factchecks=str(factchecks)).check()
    Stores().check()  # nothing named, nothing to check


def _corpus(tmp_path):
    path = tmp_path / "corpus.db"
    Corpus(path).close()
    return path
