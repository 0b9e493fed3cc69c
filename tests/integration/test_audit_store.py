"""Stored audits in the corpus store, on SQLite and PostgreSQL alike: stored with their article in one
transaction, searched, counted in facets kept at write time, and dropped when their article changes."""

from __future__ import annotations

import dataclasses

import pytest

from newsaudit.schema.load import audit_from_dict
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.corpus.audit_tables import Filters, facet_values, score_band, search_terms
from tests.integration.test_corpus import location as location  # the sqlite / postgresql fixture
from tests.integration.test_corpus import postgres_server as postgres_server
from tests.story_fixtures import other_stories, wire_story


@pytest.fixture(scope="module")
def audits(auditor):
    return [auditor.audit(article) for article in [*wire_story(2), *other_stories()]]


def _stored(location: str, audits) -> Corpus:
    corpus = Corpus(location)
    corpus.add([a.article for a in audits], audits={a.article.id: a.to_dict() for a in audits})
    return corpus


def test_stored_audits_come_back_whole_and_are_searchable(location: str, audits) -> None:
    with _stored(location, audits) as corpus:
        first = audits[0]
        assert corpus.audit_of(first.article.id) == first.to_dict()
        assert audit_from_dict(corpus.audit_of(first.article.id)) == first
        found = [row.id for row in corpus.search(Filters(q="Korvale"), 50)]
        assert "wire-original" in found and "other-0" not in found
        assert [row.id for row in corpus.search(Filters(q="KORVALE dam"), 50)] == found  # case does not matter
        newest = corpus.search(limit=2)
        assert [row.n for row in newest] == sorted((row.n for row in newest), reverse=True)
        rest = corpus.search(limit=50, cursor=newest[-1].n)
        assert not {row.id for row in rest} & {row.id for row in newest}
        assert len(newest) + len(rest) == len(audits)
        claims = corpus.search_claims("villages", 50)
        assert claims and all("village" in claim.text.lower() for claim in claims)


def test_facets_are_counted_as_audits_are_stored_replaced_and_dropped(location: str, audits) -> None:
    with _stored(location, audits) as corpus:
        facets = corpus.facets()
        assert facets["all"][0][1] == len(audits)
        assert sum(n for _, n, _ in facets["label"]) == len(audits)
        domains = dict((value, n) for value, n, _ in facets["domain"])
        assert domains["first-wire.example"] == 1
        assert corpus.facets("first-wire.example")["all"][0][1] == 1
        # The same audits again: replaced, not counted twice.
        corpus.add([a.article for a in audits], audits={a.article.id: a.to_dict() for a in audits})
        assert corpus.facets()["all"][0][1] == len(audits)
        # A new text for one article: its stale audit goes, with its counts and search entry.
        changed = dataclasses.replace(audits[0].article, text=audits[0].article.text + "\n\nAn added line.")
        corpus.add([changed])
        assert corpus.audit_of(changed.id) is None
        assert corpus.facets()["all"][0][1] == len(audits) - 1
        assert "first-wire.example" not in {value for value, _, _ in corpus.facets()["domain"]}
        assert "wire-original" not in {row.id for row in corpus.search(Filters(q="Korvale"), 50)}


def test_query_syntax_and_sql_are_only_words(location: str, audits) -> None:
    with _stored(location, audits) as corpus:
        for q in ('"unbalanced', "NEAR(a b)", "korvale OR 1=1; DROP TABLE audits; --", "*", "-", "🙂"):
            corpus.search(Filters(q=q), 10)
            corpus.search_claims(q, 10)
        assert corpus.facets()["all"][0][1] == len(audits)
    assert search_terms("Korvale's dam: OR 1=1") == ["korvale", "s", "dam", "or", "1", "1"]
    assert len(search_terms(" ".join(["word"] * 100))) == 16


def test_facet_rows_and_bands() -> None:
    assert [score_band(s) for s in (0, 9.9, 10, 55, 99.9, 100)] == [
        "00-10",
        "00-10",
        "10-20",
        "50-60",
        "90-100",
        "90-100",
    ]
    rows = facet_values(
        {
            "article": {"domain": "a.example", "published": "2031-04-02"},
            "credibility": {"score": 42, "label": "mixed"},
            "signals": [{"name": "x"}, {"name": "x"}],
        }
    )
    assert ("", "month", "2031-04", 42.0) in rows and ("domain:a.example", "signal", "x", 42.0) in rows
    assert sum(1 for row in rows if row[1] == "signal") == 2  # once per scope, not once per firing
