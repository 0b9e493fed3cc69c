"""Fact-check files are read the way `audit` reads its input: gzip'ed, in declared or detected encodings. Every
fact-check here is fiction written for the tests."""

from __future__ import annotations

import gzip
import json

import pytest

from newsaudit.stores.factchecks import FactCheck, Skipped, read_factchecks

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/kiosk-fees",
    "claimReviewed": "Café kiosks in Brennhaven pay no fees to the town.",
    "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
    "author": {"@type": "Organization", "name": "Example Checks"},
}


def page(review: dict, charset: str = "utf-8") -> str:
    markup = json.dumps(review, ensure_ascii=False)
    return (
        f'<html><head><meta charset="{charset}"><script type="application/ld+json">{markup}</script></head>'
        "<body><p>A fictional fact-check page.</p></body></html>"
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("check.html.gz", gzip.compress(page(REVIEW).encode("utf-8"))),
        ("check.json.gz", gzip.compress(json.dumps(REVIEW).encode("utf-8"))),
        ("check-latin.html", page(REVIEW, "windows-1252").encode("cp1252")),
        ("check-bom.json", b"\xef\xbb\xbf" + json.dumps(REVIEW, ensure_ascii=False).encode("utf-8")),
    ],
)
def test_claimreview_files_read_like_audit_input(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    [record] = read_factchecks(path)
    assert isinstance(record, FactCheck), record
    assert record.claim_reviewed == REVIEW["claimReviewed"] and record.verdict == "Misleading"


def test_liar_tsv_gzipped(tmp_path):
    row = ["7.json", "false", "Says the Brennhaven ferry is free on Sundays.", "transport", "pat-ordway"]
    row += ["mayor", "Westmark", "none", "0", "1", "0", "0", "0", "a town meeting"]
    path = tmp_path / "liar.tsv.gz"
    path.write_bytes(gzip.compress(("\t".join(row) + "\n").encode("utf-8")))
    [record] = read_factchecks(path)
    assert isinstance(record, FactCheck) and record.origin == "liar" and record.claimant == "pat ordway"


def test_a_binary_file_is_one_skip_with_the_reason(tmp_path):
    path = tmp_path / "junk.json"
    path.write_bytes(bytes(range(256)) * 8)
    [skipped] = read_factchecks(path)
    assert isinstance(skipped, Skipped) and "binary" in skipped.reason


def test_a_missing_file_raises_when_named_not_when_read(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_factchecks(tmp_path / "missing.jsonld")  # no iteration needed
