"""The credibility stage declines what it cannot read (another language, a stub) and shrinks short texts'
rates; every article here is fiction written for the test."""

from __future__ import annotations

import jsonschema
import pytest

from newsaudit.models.credibility import CredibilityModel
from newsaudit.schema import json_schema
from newsaudit.stages.credibility import MIN_WORDS

# Fiction: a French council report (the pipeline reads English only).
FRENCH = """\
Le conseil municipal de Valbrune vote un nouveau budget

Le conseil municipal de Valbrune a adopté lundi soir un budget de quatre millions d'euros pour la rénovation \
de la médiathèque. La maire, Odile Ferrand, a déclaré que les travaux commenceraient au printemps et \
dureraient dix-huit mois. Selon l'association des usagers, la fréquentation a augmenté de douze pour cent \
depuis l'an dernier, et les horaires d'ouverture seront prolongés le samedi.
"""

# Fiction: a 14-word body with one "reportedly".
STUB = """\
Bridge Closed in Exampleton

The old bridge in Exampleton was reportedly closed on Monday after engineers found a crack.
"""

# Fiction: a short but complete report (about 90 words) with one "reportedly" and named sources.
SHORT_REPORT = """\
Exampleton Library Extends Its Opening Hours

The Exampleton public library will open until nine in the evening from next month, library director \
Tomas Reyes said on Tuesday. The change was reportedly requested by students preparing for exams. Council \
member Amara Osei said the extra hours would cost about 40,000 dollars a year, paid from the culture budget. \
The library's reading rooms were renovated last spring and now seat 120 people, according to the council's \
published minutes. The readers' association said in a statement that it welcomed the decision and hoped \
the weekend hours would follow.
"""


@pytest.fixture(scope="module")
def audited(auditor):
    return {name: auditor.audit(text) for name, text in (("fr", FRENCH), ("stub", STUB), ("short", SHORT_REPORT))}


def signal(audit, name):
    return next(s for s in audit.signals if s.name == name)


def test_non_english_article_is_not_assessed_with_the_reason(audited):
    found = audited["fr"].credibility
    assert found.label == "not_assessed" and found.assessed is False
    assert "language" in found.reason and "'fr'" in found.reason
    # No confident-looking number: the even prior, and no signal (shouting included) moved it.
    assert (found.score, found.probability_low, found.top_signals) == (50.0, 0.5, ())
    assert all(s.weight == 0 and s.direction == "neutral" for s in audited["fr"].signals)
    jsonschema.validate(audited["fr"].to_dict(), json_schema())


def test_stub_is_not_assessed_and_loses_nothing_to_one_hedge(audited):
    stub = audited["stub"]
    found = stub.credibility
    assert found.label == "not_assessed" and found.reason.startswith("too short")
    assert f"fewer than the {MIN_WORDS}" in found.reason
    assert signal(stub, "hedge_density").weight == 0


def test_one_hedge_in_a_short_report_is_shrunk_toward_the_corpus_rate(audited):
    short = audited["short"]
    assert short.credibility.assessed and short.credibility.label != "not_assessed"
    hedges = signal(short, "hedge_density")
    assert [h.cue.text for h in short.hedges if h.kind != "approximation"] == ["reportedly"]
    raw = 1000 / sum(1 for word in short.article.text.split() if word.isalpha())
    assert hedges.value < raw / 2  # pulled well below one hedge per ~80 words
    assert "weighed as" in hedges.explanation and "corpus rate" in hedges.explanation
    # The same model weighing the rate as counted would take several times as many points.
    model = CredibilityModel.default()
    values = {s.name: s.value for s in short.signals}
    unshrunk = 100 * (1 - model.probability(model.log_odds({**values, "hedge_density": raw})))
    assert short.credibility.score - unshrunk > 3 * abs(hedges.weight)
    assert hedges.weight > -2.0
