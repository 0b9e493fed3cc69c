"""The terminal report: shares that say their base, and "not assessed" with its reason instead of a score."""

from __future__ import annotations

import dataclasses

import pytest
from rich.console import Console

from newsaudit.render.terminal import render
from newsaudit.schema import Credibility
from tests.conftest import SCRAPED_STORY


def shown(audit) -> str:
    console = Console(width=200, record=True, no_color=True)
    console.print(render(audit))
    return console.export_text()


@pytest.fixture(scope="module")
def story(auditor):
    return auditor.audit(SCRAPED_STORY)


def test_sources_give_claims_and_sentences_each_with_its_base(story):
    text = shown(story)
    assert story.claims
    assert f"of {len(story.claims)} claims:" in text and f"of {story.sourcing['n_sentences']} sentences:" in text
    anonymous = sum(c.source_kind in ("anonymous", "unnamed_group") for c in story.claims)
    assert f"{anonymous} on anonymous or unnamed sources" in text


def test_not_assessed_prints_the_reason_and_no_score(story):
    declined = Credibility(50.0, 0.5, "not_assessed", (), assessed=False, reason="too short: 14 words")
    text = shown(dataclasses.replace(story, credibility=declined))
    assert "Credibility not assessed: too short: 14 words" in text
    assert "50/100" not in text and "P(low credibility)" not in text


def test_assessed_score_comes_with_its_held_out_separation(story):
    text = " ".join(shown(story).split())
    assert story.credibility.assessed
    assert "held out of its fit" in text and "AUC" in text
