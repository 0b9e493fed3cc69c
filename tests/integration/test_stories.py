"""The story layer end to end, on SQLite and on PostgreSQL (same tests): stories built as articles are stored,
their origins, first report, roles and claims in the audit, the CLI's `stories` and `story`, merges, and stores
made before the story layer. Every text is fiction (`tests/story_fixtures.py`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsaudit import Auditor
from newsaudit.cli import app
from newsaudit.schema import Article, json_schema
from newsaudit.stages.story import story_families
from newsaudit.stores.corpus import Corpus
from newsaudit.stores.corpus.stories import Params, place_batch, vectors_for
from newsaudit.stores.corpus.story_memory import MemoryStories

# The corpus fixtures: `location` is a fresh SQLite file or a fresh PostgreSQL schema.
from tests.integration.test_corpus import location as location
from tests.integration.test_corpus import postgres_server as postgres_server
from tests.story_fixtures import other_stories, wire_story


def _stored(location: str, articles: list[Article], **options) -> None:
    with Corpus(location) as corpus:
        corpus.add(articles, **options)


def test_ten_copies_and_one_independent_report_make_two_origins(location: str) -> None:
    articles = [a for a in wire_story() if a.id != "utility-denial"]
    _stored(location, articles + other_stories())
    with Corpus(location) as corpus:
        story = corpus.story_of("wire-original")
        assert {a.id for a in articles} == {m.id for m in corpus.story_members(story)}
        assert corpus.story_of("other-0") != story and corpus.story_of("other-1") != story
        found = story_families(corpus, story)
    assert found.origins == 2 and found.first_report == "wire-original"
    assert found.role["valley-report"] == "follow-up"
    assert all(found.role[f"reprint-{n}"] == "copy" for n in range(10))

    audit = Auditor(corpus=location, workers=1).audit(articles[0])
    assert audit.story is not None and audit.story.stored
    assert (audit.story.size, audit.story.origins, audit.story.role) == (12, 2, "original")
    shared = [s for s in audit.story.claims if "valley-report" in s.carried_by]
    assert shared, "the independent report carries none of the original's claims"
    # Ten reprints and the original are one origin: a claim they all carry, with the independent report, is 2.
    for support in audit.story.claims:
        assert support.corroboration == (2 if "valley-report" in support.carried_by else 1)
        assert len([i for i in support.carried_by if i.startswith("reprint-")]) == 10
    assert "single_origin_story" not in {s.name for s in audit.signals}


def test_the_audit_shows_the_story_copies_and_the_denial(location: str) -> None:
    _stored(location, wire_story() + other_stories())
    auditor = Auditor(corpus=location, workers=1)
    story = wire_story()
    copy = auditor.audit(story[3])  # reprint-2, a credited copy
    assert copy.story.role == "copy" and copy.story.first_report == "wire-original"
    assert any(r.id == "wire-original" and r.share_this > 0.9 for r in copy.reuse)
    [member] = [m for m in copy.story.members if m.id == "reprint-2"]
    assert member.copies == "wire-original" and member.share > 0.9
    original = auditor.audit(story[0])
    assert original.story.origins == 3  # the original's family, the independent report, the denial
    denied = [s for s in original.story.claims if s.denied_by]
    assert denied and all(s.denied_by == ("utility-denial",) for s in denied)
    assert any("cracks" in original.claims[s.claim].span.text for s in denied)
    assert any(q.stance == "denies" and "denied" in q.span.text for s in denied for q in s.quotes)
    names = {signal.name: signal for signal in original.signals}
    assert names["denied_elsewhere"].evidence and names["denied_elsewhere"].weight == 0
    assert "gazette.example" in names["denied_elsewhere"].explanation
    denial = auditor.audit(story[-1])
    assert denial.story.role == "rebuttal"
    # The JSON contract holds the story, and validates.
    import jsonschema

    data = original.to_dict()
    jsonschema.validate(data, json_schema())
    assert data["story"]["first_report"] == "wire-original" and data["schema_version"] == "1.9.0"


def test_an_article_not_stored_gets_the_story_it_would_join(location: str) -> None:
    story = wire_story()
    _stored(location, story[:6] + other_stories())
    late = story[-2]  # the independent report, not stored
    audit = Auditor(corpus=location, workers=1).audit(late)
    assert audit.story is not None and not audit.story.stored
    assert audit.story.size == 7 and audit.story.origins == 2
    unrelated = Article("fresh", text="A quiet week in the fictional village of Hobb; the bakery sold bread.")
    assert Auditor(corpus=location, workers=1).audit(unrelated).story is None


def test_the_store_matches_the_in_memory_algorithm(location: str) -> None:
    articles = wire_story() + other_stories()
    _stored(location, articles, batch_size=1000)
    state = MemoryStories()
    vectors = vectors_for(state, [(a.title, a.text) for a in articles], Params())
    place_batch(state, list(range(len(articles))), vectors, [None] * len(articles), Params())
    with Corpus(location) as corpus:
        stored = [corpus.story_of(a.id) for a in articles]
    memory = [state.story_of[n] for n in range(len(articles))]
    pairs = lambda labels: {(i, j) for i in range(len(labels)) for j in range(len(labels)) if labels[i] == labels[j]}  # noqa: E731
    assert pairs(stored) == pairs(memory)


def test_batches_one_article_at_a_time_find_the_same_story_and_merges_keep_old_ids(location: str) -> None:
    story = wire_story(reprints=3)
    with Corpus(location) as corpus:
        for article in story + other_stories():
            corpus.add([article])
        ids = {corpus.story_of(a.id) for a in story}
        assert len(ids) == 1
        [current] = ids
        assert corpus.resolve_story(current) == current
        assert corpus.resolve_story(10_000) is None
        rows = {row.id: row for row in corpus.stories()}
        assert set(rows[current].members) == {a.id for a in story}
        assert sum(row.size for row in rows.values()) == len(story) + 2


def test_a_store_made_without_stories_is_placed_later(location: str) -> None:
    _stored(location, wire_story(reprints=2), stories=False)
    with Corpus(location) as corpus:
        assert corpus.story_of("wire-original") is None
        assert corpus.assign_stories() == 5
        assert corpus.story_of("wire-original") == corpus.story_of("utility-denial") is not None
        assert corpus.assign_stories() == 0


def test_cli_stories_json_lists_every_story_with_all_members(location: str, tmp_path: Path) -> None:
    articles = wire_story() + other_stories()
    _stored(location, articles)
    runner = CliRunner()
    result = runner.invoke(app, ["stories", location, "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert sorted(m for row in listed for m in row["members"]) == sorted(a.id for a in articles)
    [big] = [row for row in listed if "wire-original" in row["members"]]
    assert big["size"] == 13 and big["origins"] == 3 and big["first_report"] == "wire-original"
    assert big["members"][0] == "wire-original"
    assert {"id", "size", "origins", "first_report", "first_published", "members"} <= set(big)
    since = json.loads(runner.invoke(app, ["stories", location, "-f", "json", "--since", "2031-04-03"]).stdout)
    assert [row["id"] for row in since] == [big["id"]]
    assert runner.invoke(app, ["stories", location, "--since", "April"]).exit_code == 2
    table = runner.invoke(app, ["stories", location])
    assert table.exit_code == 0 and "wire-original" in table.stdout

    text = runner.invoke(app, ["story", location, str(big["id"])])
    assert text.exit_code == 0, text.output
    assert "3 independent origin(s)" in text.stdout and "rebuttal" in text.stdout and "copy" in text.stdout
    page = runner.invoke(app, ["story", location, str(big["id"]), "--format", "html"])
    assert page.exit_code == 0 and "<script" not in page.stdout.lower()
    assert "gazette.example" in page.stdout and "Claims across the story" in page.stdout
    data = json.loads(runner.invoke(app, ["story", location, str(big["id"]), "-f", "json"]).stdout)
    assert data["story"]["id"] == big["id"] and data["article"]["id"] == "wire-original"
    missing = runner.invoke(app, ["story", location, "999"])
    assert missing.exit_code != 0 and "no story 999" in missing.output


def test_cli_owner_list_joins_origins(tmp_path: Path) -> None:
    location = str(tmp_path / "corpus.sqlite")
    _stored(location, wire_story())
    owners = tmp_path / "owners.csv"
    owners.write_text("domain,owner\nvalley-times.example,Gazette Media\ngazette.example,Gazette Media\n")
    runner = CliRunner()
    plain = json.loads(runner.invoke(app, ["stories", location, "-f", "json"]).stdout)
    owned = json.loads(runner.invoke(app, ["stories", location, "-f", "json", "--owners", str(owners)]).stdout)
    assert plain[0]["origins"] == 3 and owned[0]["origins"] == 2


def test_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["stories", str(tmp_path / "nothing.db")])
    assert result.exit_code != 0 and "no corpus store" in result.output


def test_an_add_that_fails_leaves_no_half_story(tmp_path: Path) -> None:
    location = str(tmp_path / "corpus.sqlite")

    def articles():
        yield from wire_story(reprints=2)
        raise RuntimeError("the reader broke")

    with Corpus(location) as corpus, pytest.raises(RuntimeError):
        corpus.add(articles(), batch_size=2)
    with sqlite3.connect(location) as db:
        stored = {row[0] for row in db.execute("SELECT n FROM articles")}
        placed = {row[0] for row in db.execute("SELECT article FROM story_members")}
    assert stored and stored == placed
