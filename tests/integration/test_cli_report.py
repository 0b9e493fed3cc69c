"""The CLI around the assessment: `sources add|lookup`, `audit --sources`, `audit --format html`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app
from tests.conftest import EXAMPLES, SCRAPED_STORY

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_user_stores(tmp_path, monkeypatch):
    """The user's own default stores (a fact-check store `audit` would use) stay out of these tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    for name in ("NEWSAUDIT_FACTCHECKS", "NEWSAUDIT_SOURCES", "NEWSAUDIT_CORPUS"):
        monkeypatch.delenv(name, raising=False)


# A fictional site list in the plain layout.
PLAIN_LIST = """domain,rating,note
rumor-mill.test,unreliable,fabricates stories (fiction for the tests)
steady-gazette.test,reliable,
"""


def add_list(tmp_path):
    listed = tmp_path / "my-list.csv"
    listed.write_text(PLAIN_LIST, encoding="utf-8")
    db = tmp_path / "sources.db"
    result = runner.invoke(app, ["sources", "add", str(listed), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


def test_sources_add_and_lookup(tmp_path):
    db, added = add_list(tmp_path)
    assert added["added"] == 2 and added["lists"] == {"my-list": 2}
    again = runner.invoke(app, ["sources", "add", str(tmp_path / "my-list.csv"), "--db", str(db)])
    assert json.loads(again.stdout)["lists"] == {"my-list": 2}  # re-adding replaces, never duplicates
    result = runner.invoke(
        app, ["sources", "lookup", "https://www.rumor-mill.test/a/story", "elsewhere.test", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["level"] == "unreliable" and first["ratings"][0]["note"].startswith("fabricates")
    assert second == {"site": "elsewhere.test", "level": "unknown", "ratings": []}


def test_sources_add_rejects_junk(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(app, ["sources", "add", str(junk), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "Error" in result.output


def audit_json(args):
    result = runner.invoke(app, ["audit", *args, "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_audit_with_sources_rates_the_site(tmp_path):
    db, _ = add_list(tmp_path)
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Harbor Deal Exposed</title>"
        "<link rel='canonical' href='https://rumor-mill.test/harbor-deal'></head><body><article>"
        "<h1>Harbor Deal Exposed</h1><p>Anonymous insiders say the harbor of Port Vell was sold in secret.</p>"
        "<p>The mayor denied that any sale had taken place, her office said on Monday.</p>"
        "<p>Dock workers told the harbor board on Tuesday that two cranes had been idle for a month and that"
        " shipping agents were asking where their cargo would be unloaded next season.</p>"
        "<p>The board said it would publish the lease papers after its next meeting in the town hall.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    rated = audit_json([str(page), "--sources", str(db)])
    unrated = audit_json([str(page)])
    reputation = next(s for s in rated["signals"] if s["name"] == "source_reputation")
    assert rated["credibility"]["reputation"] == "unreliable"
    assert reputation["weight"] < 0 and "my-list" in reputation["explanation"]
    assert rated["credibility"]["score"] < unrated["credibility"]["score"]
    assert unrated["credibility"]["reputation"] is None
    assert not any(s["name"] == "source_reputation" for s in unrated["signals"])
    import jsonschema

    from newsaudit.schema import json_schema

    for data in (rated, unrated):
        jsonschema.validate(data, json_schema())


def test_unlisted_site_is_unknown_not_reliable(tmp_path):
    db, _ = add_list(tmp_path)
    story = tmp_path / "story.txt"
    story.write_text(SCRAPED_STORY, encoding="utf-8")
    data = audit_json([str(story), "--sources", str(db)])
    assert data["credibility"]["reputation"] == "unknown"
    reputation = next(s for s in data["signals"] if s["name"] == "source_reputation")
    assert reputation["weight"] == 0 and reputation["direction"] == "neutral"


def test_missing_sources_store_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["audit", str(EXAMPLES / "04-port-strike.txt"), "--sources", str(tmp_path / "no.db")])
    assert result.exit_code == 2 and "newsaudit sources add" in result.output


def test_html_report_for_one_article(tmp_path):
    out = tmp_path / "report.html"
    example = str(EXAMPLES / "01-badge-copied-story.txt")
    result = runner.invoke(app, ["audit", example, "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "self_declared_badge" in page and "Northland Deploys Secret Drone Fleet" in page


def test_html_reports_for_many_articles_go_to_a_folder_with_an_index(tmp_path):
    folder = tmp_path / "reports"
    result = runner.invoke(app, ["audit", str(EXAMPLES), "--format", "html", "-o", str(folder)])
    assert result.exit_code in (0, 1), result.output
    pages = sorted(p.name for p in folder.glob("*.html"))
    assert "index.html" in pages and len(pages) >= 6
    index = (folder / "index.html").read_text(encoding="utf-8")
    for name in pages:
        if name != "index.html":
            assert f'href="{name}"' in index
    assert "Content-Security-Policy" in index


def test_html_for_many_articles_into_one_file_is_refused_before_writing(tmp_path):
    pages = [str(EXAMPLES / name) for name in ("02-council-budget.html", "03-river-study.html")]
    result = runner.invoke(app, ["audit", *pages, "--format", "html", "-o", str(tmp_path / "all.html")])
    assert result.exit_code == 2 and "2 articles" in result.stderr and "folder" in result.stderr
    assert not (tmp_path / "all.html").exists()


@pytest.mark.parametrize("store", ["sources", "corpus", "factchecks"])
def test_a_corrupt_store_stops_the_run_once_before_any_article(tmp_path, store):
    db = tmp_path / f"{store}.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # a truncated, unreadable store
    story = tmp_path / "story.txt"
    story.write_text(SCRAPED_STORY, encoding="utf-8")
    args = ["audit", str(story), str(EXAMPLES / "04-port-strike.txt"), f"--{store}", str(db), "--format", "jsonl"]
    result = runner.invoke(app, [*args, "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and str(db) in result.stderr


def test_a_sqlite_file_of_another_kind_is_not_taken_for_a_corpus(tmp_path):
    db, _ = add_list(tmp_path)  # a source store, given as the corpus
    before = db.read_bytes()
    result = runner.invoke(app, ["audit", str(EXAMPLES / "04-port-strike.txt"), "--corpus", str(db), "-q"])
    assert result.exit_code == 2 and "not a usable corpus" in result.stderr
    assert db.read_bytes() == before  # no corpus tables were created in it


def test_audit_uses_the_default_factcheck_store_and_says_so(tmp_path):
    added = runner.invoke(app, ["factchecks", "add", str(EXAMPLES / "factchecks.jsonld"), "-q"])
    assert added.exit_code == 0, added.output
    store = json.loads(added.stdout)["store"]
    assert store.startswith(str(tmp_path / "data-home"))
    story = ["audit", str(EXAMPLES / "01-badge-copied-story.txt"), "--format", "json", "--workers", "1"]
    matched = runner.invoke(app, story)
    assert matched.exit_code == 0, matched.output
    assert any(claim["factchecks"] for claim in json.loads(matched.stdout)["claims"])
    assert f"default fact-check store {store}" in matched.stderr
    without = runner.invoke(app, [*story, "--no-factchecks"])
    assert without.exit_code == 0 and "fact-check store" not in without.stderr
    assert not any(claim["factchecks"] for claim in json.loads(without.stdout)["claims"])
    both = runner.invoke(app, [*story, "--no-factchecks", "--factchecks", store])
    assert both.exit_code == 2 and "not both" in both.stderr


def test_the_example_site_list_rates_the_example_pages(tmp_path):
    db = tmp_path / "sources.db"
    added = runner.invoke(app, ["sources", "add", str(EXAMPLES / "site-ratings.list"), "--db", str(db)])
    assert added.exit_code == 0 and json.loads(added.stdout)["added"] >= 4
    data = audit_json([str(EXAMPLES / "02-council-budget.html"), "--sources", str(db)])
    assert data["credibility"]["reputation"] == "reliable"
