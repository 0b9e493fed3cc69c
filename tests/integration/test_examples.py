"""End to end on the bundled fictional example that imitates a low-credibility page."""

import pytest

from newsaudit import read
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def badge_story(auditor):
    [result] = list(auditor.audit_many(read([EXAMPLES / "01-badge-copied-story.txt"])))
    return result


def test_example_badge_story_chrome(badge_story):
    assert [piece.kind for piece in badge_story.article.removed] == [
        "badge",
        "related_link",
        "share_bar",
        "comment_box",
    ]


def test_example_badge_story_sources(badge_story):
    sources = {
        (a.source.name or a.source.text.split(",")[0], a.source.kind) for a in badge_story.attributions if a.source
    }
    assert ("The Meridian Ledger", "outlet") in sources
    assert ("a Valdorian security official", "anonymous") in sources
    assert ("Aurel Vantik", "official") in sources
    assert ("two people familiar with the planning", "anonymous") in sources
    introduced = [a for a in badge_story.attributions if a.type == "introduced"]
    assert len(introduced) == 1 and introduced[0].content.text.startswith("The aircraft arrived")


def test_example_badge_story_denial_disputes_the_drone_report(badge_story):
    denials = [d for d in badge_story.denials if d.kind == "denial" and d.cue.text == "denied"]
    assert len(denials) == 1
    assert any("drones" in span.text or "aircraft" in span.text for span in denials[0].disputes)


def test_example_badge_story_hedges(badge_story):
    assert {"reportedly", "may"} <= {hedge.cue.text for hedge in badge_story.hedges}
    assert badge_story.sourcing["share_anonymous_or_unnamed"] > 0.3
