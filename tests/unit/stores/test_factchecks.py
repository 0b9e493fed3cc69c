"""Fact-check readers, the store (idempotent adds, search) and matching during an audit. All fact-checks
here are fiction written for the tests."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app
from newsaudit.schema import Article
from newsaudit.stages.factchecks import match_claims
from newsaudit.stores.factchecks import (
    FactCheck,
    FactCheckError,
    FactCheckStore,
    Skipped,
    read_factchecks,
)

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/bridge-closure",
    "claimReviewed": "The Mill River footbridge was closed for 400 days last year.",
    "datePublished": "2024-02-01",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Councillor Bram Oduya"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "alternateName": "False"},
}


def review(**changes):
    return {**REVIEW, **changes}


def records(path):
    found = list(read_factchecks(path))
    return [r for r in found if isinstance(r, FactCheck)], [r for r in found if isinstance(r, Skipped)]


def test_claimreview_fields_read_from_a_single_object(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REVIEW))
    [check], skipped = records(path)
    assert skipped == []
    assert check.claim_reviewed == REVIEW["claimReviewed"] and check.verdict == "False"
    assert check.publisher == "Example Checks" and check.claimant == "Councillor Bram Oduya"
    assert check.url == REVIEW["url"] and check.date == "2024-02-01" and check.origin == "claimreview"


def test_claimreview_in_graph_list_and_datafeed(tmp_path):
    second = review(url="https://checks.example/tram", claimReviewed="The tram line carries 90,000 riders a day.")
    path = tmp_path / "feed.jsonld"
    path.write_text(
        json.dumps(
            {
                "@type": "DataFeed",
                "dataFeedElement": [{"@type": "DataFeedItem", "item": [REVIEW]}, {"item": [second]}],
            }
        )
    )
    assert [c.url for c in records(path)[0]] == [REVIEW["url"], second["url"]]
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"@graph": [{"@type": "WebPage"}, {"@type": ["ClaimReview"], **second}]}))
    assert [c.url for c in records(graph)[0]] == [second["url"]]


def test_claimreview_in_html_json_ld(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><script type='application/ld+json'>" + json.dumps(REVIEW) + "</script></head>"
        "<body><p>Our verdict.</p></body></html>"
    )
    [check], _ = records(page)
    assert check.verdict == "False"


def test_malformed_records_are_skipped_with_a_reason_and_nothing_else_lost(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps(REVIEW),
                "{not json",
                json.dumps(review(claimReviewed="")),
                json.dumps({"@type": "NewsArticle", "headline": "x"}),
                json.dumps(review(url="https://checks.example/2", reviewRating="odd", author=["A", {"name": "B"}])),
            ]
        )
    )
    checks, skipped = records(path)
    assert [c.url for c in checks] == [REVIEW["url"], "https://checks.example/2"]
    assert checks[1].verdict is None and checks[1].publisher == "A, B"
    reasons = [s.reason for s in skipped]
    assert any("invalid JSON" in r for r in reasons)
    assert "ClaimReview without claimReviewed" in reasons and "no ClaimReview object" in reasons
    assert all(":" in s.where for s in skipped)


def test_liar_rows_read_and_short_rows_skipped(tmp_path):
    path = tmp_path / "liar.tsv"
    row = ["77.json", "pants-fire", "The harbour tax doubled in one year.", "taxes", "nora-quill", "mayor", "", "x"]
    path.write_text("\t".join(row + ["0"] * 5 + ["a radio interview"]) + "\nbroken\trow\n")
    [check], [skipped] = records(path)
    assert (check.verdict, check.claimant, check.publisher, check.origin) == (
        "pants-fire",
        "nora quill",
        "PolitiFact",
        "liar",
    )
    assert "2 columns" in skipped.reason


def test_store_add_is_idempotent_and_survives_reopening(tmp_path):
    path = tmp_path / "store.db"
    checks = [
        FactCheck(REVIEW["claimReviewed"], "False", url=REVIEW["url"]),
        FactCheck("The tram line carries 90,000 riders a day.", "True", url="https://checks.example/tram"),
    ]
    with FactCheckStore(path) as store:
        first = store.add([*checks, checks[0]])  # a file may repeat a record
        assert (first.added, len(store)) == (2, 2)
    with FactCheckStore(path) as store:
        again = store.add(checks)
        assert (again.added, again.unchanged, len(store)) == (0, 2, 2)
        assert store.search("tram riders per day")[0].verdict == "True"


def test_store_search_finds_a_paraphrase_first(tmp_path):
    checks = [
        FactCheck("The Mill River footbridge was closed for 400 days last year.", "False", url="u1"),
        FactCheck("The town spent three million dollars on new street lamps.", "Mostly true", url="u2"),
        FactCheck("Examplefield's mayor has never visited the harbour.", "Pants on fire", url="u3"),
    ]
    with FactCheckStore(tmp_path / "s.db") as store:
        store.add(checks)
        matches = store.search("Officials kept the footbridge over the Mill River shut for more than a year")
        assert matches[0].url == "u1" and matches[0].score > max(m.score for m in matches[1:])
        lexical = store.search("street lamps", semantic=False)
        assert [m.url for m in lexical] == ["u2"] and 0 < lexical[0].score < 0.5  # two of its eight words
        whole = store.search("The town spent three million dollars on new street lamps", semantic=False)
        assert whole[0].url == "u2" and whole[0].score == 1.0
        assert store.search("") == []


def test_store_refuses_what_is_not_a_store(tmp_path):
    with pytest.raises(FactCheckError):
        FactCheckStore(tmp_path / "missing.db", read_only=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(FactCheckError):
        FactCheckStore(junk)


def test_interrupted_add_keeps_committed_batches(tmp_path):
    path = tmp_path / "s.db"

    def stream():
        for n in range(5):
            yield FactCheck(f"Claim number {n} about the harbour budget.", url=f"u{n}")
        raise RuntimeError("the feed broke")

    with FactCheckStore(path) as store, pytest.raises(RuntimeError):
        store.add(stream(), batch_size=2)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM factchecks").fetchone()[0] == 4


def test_audit_with_a_store_attaches_matching_factchecks(tmp_path, auditor):
    path = tmp_path / "s.db"
    with FactCheckStore(path) as store:
        store.add([FactCheck("Forty surveillance drones were moved to airstrips near the Kessary border.", "False")])
    from newsaudit.auditor import Auditor

    audited = Auditor(auditor.settings.replace(factchecks=str(path))).audit(
        Article(
            id="x", text="Headline\n\nForty surveillance drones were moved to two airstrips near the Kessary border."
        )
    )
    [claim] = audited.claims
    [match] = claim.factchecks
    assert match.verdict == "False" and match.score >= 0.5
    with FactCheckStore(path, read_only=True) as store:
        assert match_claims(audited.claims, store, min_score=1.01)[0] == ()


def test_cli_factchecks_add_then_search(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(REVIEW) + "\n{broken\n")
    db = tmp_path / "cli.db"
    runner = CliRunner()
    first = runner.invoke(app, ["factchecks", "add", str(feed), "--db", str(db), "-q"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout.strip().splitlines()[-1])["added"] == 1
    again = runner.invoke(app, ["factchecks", "add", str(feed), "--db", str(db), "-q"])
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert (summary["added"], summary["unchanged"], summary["skipped"], summary["total"]) == (0, 1, 1, 1)
    found = runner.invoke(app, ["factchecks", "search", "footbridge closed 400 days", "--db", str(db), "-f", "json"])
    assert found.exit_code == 0 and json.loads(found.stdout)[0]["verdict"] == "False"
    missing = runner.invoke(app, ["factchecks", "search", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no fact-check store" in missing.output
