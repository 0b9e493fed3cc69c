"""The store commands honour what they advertise: every `--format`, gzip'ed fact-check files, and no write
before every input is found. All texts and fact-checks are fiction written for the tests."""

from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app
from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus
from tests.unit.stores.test_fingerprints import LEAD, fictional_article

runner = CliRunner()

REVIEW = {
    "@type": "ClaimReview",
    "url": "https://checks.example/ferry-<fares>",
    "claimReviewed": "The Lowmarsh ferry doubled its fares <overnight> in March.",
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
    "author": {"@type": "Organization", "name": "Example Checks"},
}


def add(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    db = tmp_path / "factchecks.db"
    result = runner.invoke(app, ["factchecks", "add", str(path), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


@pytest.fixture
def factchecks_db(tmp_path):
    return add(tmp_path, "review.json", json.dumps(REVIEW).encode("utf-8"))[0]


def test_factchecks_add_reads_a_gzipped_page_as_audit_does(tmp_path):
    body = f'<html><head><script type="application/ld+json">{json.dumps(REVIEW)}</script></head></html>'
    _, summary = add(tmp_path, "review.html.gz", gzip.compress(body.encode("utf-8")))
    assert (summary["added"], summary["skipped"]) == (1, 0)


def test_factchecks_add_with_a_missing_file_writes_nothing(tmp_path):
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps(REVIEW))
    db = tmp_path / "new.db"
    result = runner.invoke(app, ["factchecks", "add", str(feed), str(tmp_path / "missing.json"), "--db", str(db)])
    assert result.exit_code == 2 and "missing.json" in result.stderr
    assert not db.exists()


@pytest.mark.parametrize("format", ["json", "jsonl", "html"])
def test_factchecks_search_formats(factchecks_db, format):
    query = ["factchecks", "search", "ferry fares doubled in Lowmarsh", "--db", str(factchecks_db), "-f", format]
    result = runner.invoke(app, query)
    assert result.exit_code == 0, result.output
    if format == "json":
        [match] = json.loads(result.stdout)
    elif format == "jsonl":
        [match] = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        assert result.stdout.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in result.stdout
        assert "&lt;overnight&gt;" in result.stdout and "<overnight>" not in result.stdout
        assert 'href="https://checks.example/ferry-&lt;fares&gt;"' in result.stdout
        return
    assert match["verdict"] == "False" and match["claim_reviewed"] == REVIEW["claimReviewed"]


@pytest.fixture
def corpus_db(tmp_path):
    source = fictional_article(600, paragraphs=10)
    copy = LEAD + "\n\n" + "\n\n".join(source.split("\n\n")[:6])
    db = tmp_path / "corpus.db"
    with Corpus(db) as corpus:
        corpus.add(
            [
                Article("wire-1", text=source, published="2024-04-01"),
                Article("copy-<2>", text=copy, published="2024-04-02"),
                Article("other-3", text=fictional_article(700, paragraphs=6)),
            ]
        )
    return str(db)


@pytest.mark.parametrize("format", ["json", "jsonl", "html"])
def test_corpus_clusters_formats(corpus_db, format):
    result = runner.invoke(app, ["corpus", "clusters", corpus_db, "--format", format])
    assert result.exit_code == 0, result.output
    family = {"earliest": "wire-1", "members": ["wire-1", "copy-<2>"]}
    if format == "json":
        assert json.loads(result.stdout) == [family]
    elif format == "jsonl":
        assert [json.loads(line) for line in result.stdout.splitlines()] == [family]
    else:
        assert result.stdout.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in result.stdout
        assert "copy-&lt;2&gt;" in result.stdout and "copy-<2>" not in result.stdout
