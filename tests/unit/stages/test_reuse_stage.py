"""Reuse findings in an audit with a corpus, and the credit check (fictional articles and outlets)."""

import pytest

from newsaudit.auditor import Auditor
from newsaudit.schema import Article, Attribution, Source, Span
from newsaudit.stages.reuse import credit_for, domain_name, outlet_key
from newsaudit.stores.corpus import Corpus

ORIGINAL_PARAGRAPHS = [
    "Engineers in the port town of Saltmere began pumping water out of the flooded rail tunnel on Tuesday, "
    "three days after a storm surge broke through the eastern sea wall and filled the tunnel to its roof.",
    "The regional rail company said the pumps were moving about 400 cubic metres of water an hour and that "
    "the line to Eastmere would stay closed for at least two more weeks while the signalling was replaced.",
    "Residents of the harbour district said they had warned the council about cracks in the sea wall for "
    "years, and a petition signed by more than 2,000 people was handed to the mayor in the spring.",
    "The mayor's office said a review of all coastal defences would start next month and that the cost of "
    "the repairs would be shared between the town, the rail company and the regional government.",
]
ORIGINAL = "\n\n".join(ORIGINAL_PARAGRAPHS)


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    with Corpus(str(path)) as corpus:
        corpus.add(
            [
                Article(
                    id="ledger-1",
                    url="https://www.meridianledger.example/saltmere-tunnel",
                    domain="www.meridianledger.example",
                    title="Saltmere tunnel pumped dry after storm",
                    published="2024-02-06",
                    text=ORIGINAL,
                ),
                Article(id="other", text="An unrelated story about a bakery that won a prize for its rye bread."),
            ]
        )
    return str(path)


def audit_with(corpus_path, text):
    auditor = Auditor(workers=1, corpus=corpus_path)
    return auditor.audit(Article(id="copy", title="Tunnel flooded", text=text, published="2024-02-07"))


def copying(result):
    return [s for s in result.signals if s.name in ("uncredited_copying", "mostly_copied_with_credit")]


def test_credited_copy_is_found_with_passages_and_credit(corpus_path):
    text = "The Meridian Ledger reports:\n\n" + "\n\n".join(ORIGINAL_PARAGRAPHS[:3])
    result = audit_with(corpus_path, text)
    [reuse] = result.reuse
    assert reuse.id == "ledger-1" and reuse.earlier == "other"
    assert reuse.share_this > 0.8 and 0.6 < reuse.share_other < 0.9
    assert reuse.credited and reuse.credit.text == "The Meridian Ledger"
    [signal] = copying(result)  # most of the text is the Ledger's, under a one-line credit
    assert (signal.name, signal.direction) == ("mostly_copied_with_credit", "lowers")
    assert signal.value == reuse.share_this and signal.evidence[0].text == "The Meridian Ledger"
    assert "meridianledger" in signal.explanation
    for passage in reuse.passages:
        assert result.article.text[passage.this.start : passage.this.end] == passage.this.text
        assert ORIGINAL[passage.other.start : passage.other.end].startswith(passage.other.text.rstrip("…"))
    import jsonschema

    from newsaudit.schema import json_schema

    jsonschema.validate(result.to_dict(), json_schema())


def test_uncredited_excerpt_is_found_and_not_credited(corpus_path):
    # Fiction: a paragraph of its own around the lifted one, long enough (50+ words) to be assessed.
    own = (
        "Commuters crowded the bus station at the edge of town on Wednesday morning, and several shops near the "
        "harbour stayed shut while their owners carried wet stock out into the street."
    )
    text = "Storm chaos on the coast.\n\n" + own + "\n\n" + ORIGINAL_PARAGRAPHS[1]
    [reuse] = audit_with(corpus_path, text).reuse
    assert reuse.id == "ledger-1" and not reuse.credited and reuse.credit is None
    assert reuse.share_other < 0.35
    result = audit_with(corpus_path, text)
    [signal] = copying(result)
    assert signal.name == "uncredited_copying" and signal.value >= 0.25
    assert signal.weight < 0 and "uncredited_copying" in result.credibility.top_signals
    assert "does not credit" in signal.explanation and signal.evidence[0].text in ORIGINAL


def test_no_reuse_for_new_text(corpus_path):
    result = audit_with(corpus_path, "A council in the hills voted to build a new library next year.")
    assert result.reuse == () and copying(result) == []
    assert "uncredited_copying" not in result.credibility.top_signals


def test_no_copying_signal_for_the_earlier_article():
    from newsaudit.schema import Reuse
    from newsaudit.stages.reuse import copying_signals

    later = Reuse("x", None, "later.example", None, "2024-03-01", 0.9, 0.9, (), earlier="this")
    assert copying_signals([later]) == ()
    undated = Reuse("y", None, "other.example", None, None, 0.3, 0.2, (), earlier="unknown")
    assert [s.name for s in copying_signals([undated])] == ["uncredited_copying"]
    assert "undated" in copying_signals([undated])[0].explanation


@pytest.mark.parametrize(
    ("domain", "expected"),
    [("www.meridianledger.example", "meridianledger"), ("bbc.co.uk", "bbc"), ("apnews.com", "apnews"), (None, None)],
)
def test_domain_name(domain, expected):
    assert domain_name(domain) == expected


def test_credit_needs_the_outlet_named():
    def attribution(name):
        source = Source(0, len(name), name, "outlet", name)
        return Attribution(Span(0, 1, "x"), "report", "indirect", 0, source)

    assert outlet_key("The Meridian Ledger") == "meridianledger"
    assert credit_for("apnews.com", [attribution("AP")]) is not None
    assert credit_for("meridianledger.example", [attribution("The Harbour Times")]) is None


def test_cli_corpus_add_then_audit_with_corpus_and_clusters(tmp_path):
    import json

    from typer.testing import CliRunner

    from newsaudit.cli import app

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "original.txt").write_text("Saltmere tunnel pumped dry\n\n" + ORIGINAL)
    copy = tmp_path / "copy.txt"
    copy.write_text("Tunnel reopens soon\n\nThe Meridian Ledger reports:\n\n" + "\n\n".join(ORIGINAL_PARAGRAPHS[:3]))
    db = str(tmp_path / "corpus.db")
    runner = CliRunner()
    added = runner.invoke(app, ["corpus", "add", db, str(folder), "-q"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout.strip().splitlines()[-1])["added"] == 1
    audited = runner.invoke(app, ["audit", str(copy), "--corpus", db, "--format", "json", "-q"])
    assert audited.exit_code == 0, audited.output
    [reuse] = json.loads(audited.stdout)["reuse"]
    assert reuse["share_this"] > 0.8 and reuse["passages"]
    runner.invoke(app, ["corpus", "add", db, str(copy), "-q"])
    clusters = runner.invoke(app, ["corpus", "clusters", db, "--format", "jsonl"])
    [family] = [json.loads(line) for line in clusters.stdout.splitlines()]
    assert len(family["members"]) == 2
    missing = runner.invoke(app, ["audit", str(copy), "--corpus", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no corpus store" in missing.output
