"""`--format jsonld`: schema.org NewsArticle / Claim / ClaimReview that a JSON-LD processor (pyld) expands
without dropping anything, offline; a ClaimReview only for a matched published fact-check, with the fields
Google's ClaimReview guidance requires for it; the story's first appearance with a corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsaudit import Auditor
from newsaudit.cli import app
from newsaudit.render.jsonld import claim_iri, offline_loader, to_jsonld
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.factchecks import FactCheckStore
from newsaudit.stores.factchecks.readers import read_factchecks
from tests.conftest import EXAMPLES, REPO
from tests.story_fixtures import wire_story

jsonld = pytest.importorskip("pyld.jsonld", reason="pyld is not installed (pip install -e '.[dev]')")
SEED = REPO.parent / "shared" / "seed"


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def _terms(value: Any) -> int:
    """Properties in a document (compact or expanded), keywords other than @type left out."""
    if isinstance(value, dict):
        own = [key for key in value if not key.startswith("@") or key == "@type"]
        return len(own) + sum(_terms(item) for key, item in value.items() if key != "@context")
    if isinstance(value, list):
        return sum(_terms(item) for item in value)
    return 0


def _expands_whole(document: dict[str, Any]) -> list[dict[str, Any]]:
    expanded = expand(document)
    # Expansion drops any term it cannot map: every property written must come through.
    values = [item for node in expanded for item in node.values() if isinstance(item, list)]
    assert _terms(document["@graph"]) == _terms(expanded), "a term was dropped in expansion"
    assert values
    return expanded


def _of_type(expanded: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [node for node in expanded if f"http://schema.org/{name}" in node.get("@type", [])]


def test_the_examples_expand_cleanly_and_make_no_review_without_a_fact_check(auditor) -> None:
    audits = [auditor.audit(path.read_bytes()) for path in sorted(EXAMPLES.glob("0*"))]
    document = to_jsonld(audits)
    expanded = _expands_whole(document)
    assert len(_of_type(expanded, "NewsArticle")) == len(audits)
    claims = _of_type(expanded, "Claim")
    assert len(claims) == sum(len(audit.claims) for audit in audits)
    assert not _of_type(expanded, "ClaimReview")
    again = to_jsonld([auditor.audit(path.read_bytes()) for path in sorted(EXAMPLES.glob("0*"))])
    assert [node["@id"] for node in again["@graph"]] == [node["@id"] for node in document["@graph"]]  # stable ids
    for audit in audits:
        for claim in audit.claims:
            node = next(node for node in document["@graph"] if node["@id"] == claim_iri(audit, claim))
            text = audit.article.text[node["na:startOffset"] : node["na:endOffset"]]
            assert text == node["text"] == claim.span.text


def test_claim_authors_follow_their_sources(auditor) -> None:
    audit = auditor.audit((EXAMPLES / "01-badge-copied-story.txt").read_text(encoding="utf-8"))
    nodes = {node["@id"]: node for node in to_jsonld(audit)["@graph"]}
    for claim in audit.claims:
        author = nodes[claim_iri(audit, claim)].get("author")
        if claim.source_kind == "anonymous":
            assert author["na:anonymous"] is True and "name" not in author
        elif claim.source_kind == "named_person":
            assert author["@type"] == "Person" and author["name"]
    assert any(claim.source_kind == "anonymous" for claim in audit.claims)


def test_a_matched_fact_check_becomes_a_claim_review_with_its_own_rating(tmp_path: Path) -> None:
    store = tmp_path / "factchecks.db"
    with FactCheckStore(store) as opened:
        opened.add(read_factchecks(EXAMPLES / "factchecks.jsonld"))
    audit = Auditor(factchecks=str(store), workers=1).audit((EXAMPLES / "01-badge-copied-story.txt").read_text())
    matched = [claim for claim in audit.claims if claim.factchecks]
    assert matched
    document = to_jsonld(audit)
    expanded = _expands_whole(document)
    reviews = [node for node in document["@graph"] if node["@type"] == "ClaimReview"]
    assert len(reviews) == sum(1 for c in matched for f in c.factchecks if f.url and f.verdict)
    for review in reviews:
        # What Google's ClaimReview guidance requires: claimReviewed, reviewRating (alternateName), url.
        assert review["claimReviewed"] and review["url"].startswith("http")
        assert set(review["reviewRating"]) == {"@type", "alternateName"}  # the published verdict, no invented value
        source = next(f for c in matched for f in c.factchecks if f.url == review["url"])
        assert review["reviewRating"]["alternateName"] == source.verdict
        assert review["author"]["name"] == source.publisher
    assert len(_of_type(expanded, "ClaimReview")) == len(reviews)


def test_the_story_gives_each_claim_its_first_appearance(tmp_path: Path) -> None:
    location = str(tmp_path / "corpus.db")
    articles = wire_story(3)
    with Corpus(location) as corpus:
        corpus.add(articles)
    audit = Auditor(corpus=location, workers=1).audit(next(a for a in articles if a.id == "reprint-1"))
    assert audit.story is not None
    document = to_jsonld(audit)
    _expands_whole(document)
    claims = [node for node in document["@graph"] if node["@type"] == "Claim"]
    firsts = [node["firstAppearance"] for node in claims if "firstAppearance" in node]
    assert firsts and all(first["@id"] == "https://first-wire.example/korvale-dam" for first in firsts)
    article = document["@graph"][0]
    assert article["na:story"]["na:independentOrigins"] == audit.story.origins


def test_the_cli_writes_one_document_for_many_articles(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["audit", str(EXAMPLES), "--format", "jsonld", "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["@context"][0] == "https://schema.org"
    _expands_whole(document)
    empty = tmp_path / "empty"
    empty.mkdir()
    none = CliRunner().invoke(app, ["audit", str(empty), "--format", "jsonld", "-q"])
    assert json.loads(none.stdout) == {"@context": document["@context"], "@graph": []}


@pytest.mark.skipif(not SEED.exists(), reason="the seed article (../shared/seed) is not on this machine")
def test_the_seed_expands_cleanly(auditor) -> None:
    path = sorted(SEED.glob("*.txt"))[0]
    audit = auditor.audit(path.read_bytes())
    expanded = _expands_whole(to_jsonld(audit))
    assert _of_type(expanded, "Claim") and not _of_type(expanded, "ClaimReview")
