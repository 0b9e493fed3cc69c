"""The claims stage on a fictional article: ranking, facts, and links to sources, hedges and denials."""

import pytest

from newsaudit.schema import Article

STORY = """\
Drone Fleet Seen Near Border

Around forty surveillance drones have reportedly been moved to two airstrips near the Kessary border.

The drones arrived in Latakia on Friday, a senior defense official said, speaking on condition of anonymity.

Defence Minister Aurel Vantik denied that any drones had arrived in Latakia.

I think we all deserve better than this.

Thanks for reading.
"""


@pytest.fixture(scope="module")
def result(auditor):
    return auditor.audit(Article(id="claims-story", text=STORY, published="2024-03-14"))


def claim_with(result, words):
    return next(claim for claim in result.claims if words in claim.span.text)


def test_claims_every_sentence_scored_and_claims_ranked(result):
    assert len(result.checkworthiness) == len(result.sentences)
    assert [claim.rank for claim in result.claims] == list(range(1, len(result.claims) + 1))
    scores = [claim.score for claim in result.claims]
    assert scores == sorted(scores, reverse=True)
    texts = " ".join(claim.span.text for claim in result.claims)
    assert "I think" not in texts and "Thanks for reading" not in texts
    for claim in result.claims:
        assert result.article.text[claim.span.start : claim.span.end] == claim.span.text
        assert claim.score == result.checkworthiness[claim.sentence]


def test_claim_unattributed_and_hedged_with_its_quantity(result):
    claim = claim_with(result, "forty surveillance drones")
    assert claim.source_kind == "unattributed" and {"unattributed", "hedged"} <= set(claim.status)
    assert [result.hedges[i].cue.text for i in claim.hedges] == ["Around", "reportedly"]
    assert any(q.unit == "surveillance drones" and q.approximate for q in claim.quantities)


def test_claim_on_anonymous_source_is_denied_and_has_time_and_place(result):
    claim = claim_with(result, "The drones arrived in Latakia")
    assert claim.source_kind == "anonymous" and "anonymous" in claim.status and "denied" in claim.status
    attribution = result.attributions[claim.attribution]
    assert attribution.source.kind == "anonymous" and attribution.cue.text == "said"
    assert [(t.text, t.earliest) for t in claim.times] == [("Friday", "2024-03-08")]
    [place] = [p for p in claim.places if p.text == "Latakia"]
    assert place.country == "SY" and place.latitude is not None
    assert any(result.denials[i].cue.text == "denied" for i in claim.denials)


def test_claim_that_is_a_denial_is_marked(result):
    claim = claim_with(result, "denied that any drones")
    assert "denial" in claim.status and claim.source_kind == "official"


def test_claims_serialise_in_the_schema(result):
    import jsonschema

    from newsaudit.schema import json_schema

    data = result.to_dict()
    jsonschema.validate(data, json_schema())
    assert data["claims"][0]["rank"] == 1 and "factchecks" in data["claims"][0]


def test_claims_skipped_for_non_english(auditor):
    text = "Der Stadtrat hat am Montag beschlossen, die Brücke für zwei Millionen Euro zu sanieren. " * 3
    result = auditor.audit(Article(id="de", text=text))
    assert result.claims == () and result.checkworthiness == ()


# Fiction: agentless passives ("was reported", "it is alleged") attribute without naming any source.
AGENTLESS = """\
Dam Release Floods Corvell Valley

The Corvell dam was reported to have released 3,000 cubic metres of water into the valley on Tuesday night.

It is alleged that 45 homes in the lower valley were flooded by the release, and that two bridges collapsed.
"""


def test_claim_status_agrees_with_its_attribution(auditor):
    """A claim is `anonymous` only when the attribution it rests on has an anonymous source; an attribution
    without any source ("it is alleged that") leaves the claim `unattributed`."""
    result = auditor.audit(Article(id="agentless", text=AGENTLESS))
    sourceless = [
        c for c in result.claims if c.attribution is not None and not result.attributions[c.attribution].source
    ]
    assert sourceless, "the fiction should give claims resting on source-less attributions"
    for claim in result.claims:
        source = result.attributions[claim.attribution].source if claim.attribution is not None else None
        kind = source.kind if source is not None else "unattributed"
        assert claim.source_kind == kind
        assert ("anonymous" in claim.status) == (kind in ("anonymous", "unnamed_group"))
        assert ("unattributed" in claim.status) == (kind == "unattributed")


def test_claim_links_are_the_whole_document_scan(auditor):
    """The stage links each claim through `SentenceLinks` (findings bucketed by sentence, so that long texts
    stay linear); its links must be exactly those of scanning every finding of the article."""
    from newsaudit.stages.claims import attribution_of, denials_of, hedges_of

    text = "\n\n".join([STORY, AGENTLESS] * 3)
    result = auditor.audit(Article(id="links", text=text, published="2024-03-14"))
    assert len(result.claims) > 6 and result.denials and result.hedges
    for claim in result.claims:
        sentence = result.sentences[claim.sentence]
        start, end = sentence.start, sentence.end
        assert claim.attribution == attribution_of(result.attributions, sentence, claim.sentence)
        assert claim.hedges == hedges_of(result.hedges, start, end)
        assert claim.denials == denials_of(result.denials, start, end)
        assert claim.entities == tuple(e for e in result.entities if e.sentence == claim.sentence)
        assert ("denial" in claim.status) == any(d.sentence == claim.sentence for d in result.denials)
