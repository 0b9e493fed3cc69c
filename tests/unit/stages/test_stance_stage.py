"""Certainty gaps between a flat headline and a body that hedges, anonymises or denies it (fiction)."""

import pytest

from newsaudit.auditor import Auditor
from newsaudit.models.embeddings import Embedder
from newsaudit.schema import Article
from newsaudit.stages.stance import certainty_gaps, is_qualified

BODY = "\n\n".join(
    [
        "Around forty Northland drones have reportedly been moved to airstrips near the Kessary border.",
        "Northland has deployed drones along the Kessary border, a senior defence official said, "
        "speaking on condition of anonymity.",
        "Defence Minister Aurel Vantik denied that any drones had been deployed along the border.",
        "The river crossing has been closed to lorries since the spring floods.",
    ]
)
SOURCED_BODY = """\
Northland moved forty drones to airstrips near the Kessary border on Monday, Defence Minister Aurel Vantik said.

He said the drones would stay there until the end of the month to watch the river crossing.
"""


@pytest.fixture(scope="module")
def analyse():
    auditor = Auditor(stages=["sentences", "entities", "attributions", "hedges", "denials", "claims"], workers=1)

    def run(headline: str, body: str):
        result = auditor.audit(Article(id="h", title=headline, text=body))
        findings = {name: getattr(result, name) for name in ("sentences", "attributions", "hedges", "denials")}
        return result, certainty_gaps(headline, findings, Embedder.default())

    return run


@pytest.mark.parametrize(
    "headline",
    [
        "Northland Drones Reportedly Deployed Along Kessary Border",
        "Officials Say Northland Deployed Drones Along Border",
        "Did Northland Deploy Drones Along the Border?",
        '"Drones on the border": residents fear the worst',
        "Northland May Have Deployed Drones on the Border",
    ],
)
def test_headline_that_hedges_attributes_asks_or_quotes_is_qualified(headline):
    assert is_qualified(headline)


def test_flat_headline_is_not_qualified():
    assert not is_qualified("Northland Deploys Drone Fleet Along Kessary Border")


def test_gap_fires_on_hedge_anonymous_source_and_denial(analyse):
    result, gaps = analyse("Northland Deploys Drone Fleet Along Kessary Border", BODY)
    reasons = {reason for gap in gaps for reason in gap.reasons}
    assert "hedged (reportive)" in reasons and "anonymous source" in reasons
    assert any(reason.startswith("denial") for reason in reasons)
    evidence = {span.text for gap in gaps for span in gap.evidence}
    assert {"reportedly", "a senior defence official", "denied"} <= evidence
    for gap in gaps:
        assert result.article.text[gap.statement.start : gap.statement.end] == gap.statement.text
        assert all(result.article.text[s.start : s.end] == s.text for s in gap.evidence)
        assert len(gap.reasons) == len(gap.evidence)
    assert not any("spring floods" in gap.statement.text for gap in gaps)


def test_no_gap_when_the_headline_hedges_itself(analyse):
    _, gaps = analyse("Northland Reportedly Deploys Drones Along Kessary Border", BODY)
    assert gaps == ()


def test_no_gap_when_the_body_names_its_source_plainly(analyse):
    _, gaps = analyse("Northland Moves Drones to Kessary Border Airstrips", SOURCED_BODY)
    assert gaps == ()


def test_stance_stage_in_a_full_audit(auditor):
    result = auditor.audit(Article(id="s", title="Northland Deploys Drone Fleet Along Kessary Border", text=BODY))
    found = result.stance
    assert found is not None and found.headline.startswith("Northland Deploys")
    assert found.label in found.probabilities and abs(sum(found.probabilities.values()) - 1) < 0.01
    assert found.certainty_gaps, "a flat headline over a hedged, anonymous, denied body"
    data = result.to_dict()
    assert data["stance"]["certainty_gaps"][0]["evidence"]


def test_no_stance_without_a_headline(auditor):
    assert auditor.audit(Article(id="n", text=BODY)).stance is None
