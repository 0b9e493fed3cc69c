"""The credibility signals: each one measured on fictional articles written to show it (or not)."""

from __future__ import annotations

import pytest

from newsaudit import Auditor
from newsaudit.stages.signals import PresentationLexicon
from newsaudit.stores.factchecks import FactCheck, FactCheckStore

# Fiction: a page in the style of a low-credibility site. Two of its statements are check-worthy claims (one on
# unnamed insiders, one unattributed), so that the sourcing signals are measured on claims.
SHOUTY = """\
SHOCKING: You Won't Believe What The Elites Are Hiding In Port Vell!!

Verified ✓

Anonymous insiders say the harbor of Port Vell is secretly being sold to a foreign cabal.

Insiders say the city sold the harbor to a foreign company for 40 million euros last year.

The harbor handled 2.1 million tonnes of cargo in 2023, more than any other port in the region.

The deal is a disgusting betrayal and a total disaster, sources close to the mayor said.

READ MORE: Ten reasons the harbor deal is a hoax

The mainstream media will never tell you the truth about this outrageous cover-up!!!

WAKE UP before it is too late, one official who asked not to be named warned.
"""

# Fiction: a sober report with named sources.
SOBER = """\
Ridgeford Council Approves New Library Budget

The Ridgeford town council approved a budget of 4.2 million dollars for the public library on Tuesday.

Council member Amara Osei said the money would pay for longer opening hours and two new reading rooms.

Library director Tomas Reyes told the council that visits had risen by 12 percent since last year.

The Ridgeford Taxpayers Association said in a statement that it would review the spending plan.

The budget takes effect in January, according to the council's published minutes.
"""


@pytest.fixture(scope="module")
def audits():
    auditor = Auditor(workers=1)
    return {name: auditor.audit(text) for name, text in (("shouty", SHOUTY), ("sober", SOBER))}


def signal(audit, name):
    found = [s for s in audit.signals if s.name == name]
    assert len(found) == 1, f"{name} expected once, got {[s.name for s in audit.signals]}"
    return found[0]


def test_every_signal_points_into_the_article(audits):
    for audit in audits.values():
        text, title = audit.article.text, audit.article.title or ""
        assert audit.signals and title
        assert any(s.evidence for s in audit.signals) and any(s.title_evidence for s in audit.signals)
        for s in audit.signals:
            for span in s.evidence:
                assert text[span.start : span.end] == span.text, s.name
            for span in s.title_evidence:
                assert title[span.start : span.end] == span.text, s.name
            for index in s.removed:
                assert 0 <= index < len(audit.article.removed), s.name
            assert s.explanation and s.direction in ("lowers", "raises", "neutral")


def test_self_declared_badge_points_at_the_removed_chrome(audits):
    badge = signal(audits["shouty"], "self_declared_badge")
    assert badge.value == 1
    assert [audits["shouty"].article.removed[i].kind for i in badge.removed] == ["badge"]
    assert badge.direction == "lowers" and badge.weight < 0
    assert signal(audits["sober"], "self_declared_badge").value == 0


def test_related_link_insert_counts(audits):
    inserts = signal(audits["shouty"], "related_link_inserts")
    assert inserts.value >= 1 and inserts.removed
    assert all(audits["shouty"].article.removed[i].kind == "related_link" for i in inserts.removed)
    assert signal(audits["sober"], "related_link_inserts").value == 0


def test_clickbait_headline_devices_are_marked_in_the_title(audits):
    clickbait = signal(audits["shouty"], "clickbait_headline")
    assert clickbait.value >= 3
    marked = " ".join(span.text.lower() for span in clickbait.title_evidence)
    assert "you won't believe" in marked and "shocking" in marked and "!!" in marked
    assert signal(audits["sober"], "clickbait_headline").value == 0


def test_loaded_language_finds_lexicon_words_and_phrases(audits):
    loaded = signal(audits["shouty"], "loaded_language")
    words = {span.text.lower() for span in loaded.evidence}
    assert {"disgusting", "outrageous", "hoax"} & words
    assert "mainstream media" in words or "cover-up" in words
    assert loaded.value > signal(audits["sober"], "loaded_language").value


def test_shouting_counts_capitals_and_exclamations(audits):
    shouty, sober = signal(audits["shouty"], "shouting"), signal(audits["sober"], "shouting")
    assert shouty.value > 10 * sober.value and shouty.evidence
    # None counted in the sober page: weighed a little above 0, toward the corpus rate, and said so.
    assert sober.explanation.startswith("0 words in capitals") and sober.evidence == ()


def test_sourcing_signals_follow_the_claims(audits):
    shouty, sober = audits["shouty"], audits["sober"]
    anonymous = signal(shouty, "anonymous_sourcing")
    assert shouty.claims and any(c.source_kind in ("anonymous", "unnamed_group") for c in shouty.claims)
    count = sum(c.source_kind in ("anonymous", "unnamed_group") for c in shouty.claims)
    # On the claims, shrunk toward the corpus share by how few claims there are.
    prior = PresentationLexicon.default().prior("anonymous_sourcing")
    assert anonymous.value == pytest.approx(prior.shrink(count, len(shouty.claims)), abs=1e-3)
    assert anonymous.explanation.startswith(f"{count} of {len(shouty.claims)} claims")
    assert anonymous.value > signal(sober, "anonymous_sourcing").value
    named = signal(sober, "named_sources")
    assert named.value >= 2
    assert {span.text for span in named.evidence} >= {"Amara Osei", "Tomas Reyes"} or named.value >= 3
    for person in ("Amara Osei", "Tomas Reyes"):
        assert any(person in span.text for span in named.evidence), person


def test_without_claims_the_claim_shares_sit_at_the_corpus_rate():
    """No claims, nothing to count: the shares are weighed at the corpus rate (and not at 0, which read as
    "no unattributed claims" and raised the score), and the explanation says so."""
    # Fiction: opinion and hearsay, nothing check-worthy in it.
    audit = Auditor(workers=1).audit(
        "Port Vell Harbor Deal Sparks Anger\n\n"
        "Anonymous insiders say the harbor deal is a betrayal.\n\n"
        "The deal is a total disaster, sources close to the mayor said.\n\n"
        "WAKE UP before it is too late, one official who asked not to be named warned."
    )
    assert audit.claims == ()
    lexicon = PresentationLexicon.default()
    for name in ("anonymous_sourcing", "unattributed_claims"):
        found = signal(audit, name)
        assert found.explanation.startswith("No check-worthy claims to count")
        assert found.value == pytest.approx(lexicon.prior(name).rate, abs=1e-3)


def test_rates_are_shrunk_by_the_size_of_the_text():
    """The same count weighs less in a short text; with many words the rate is nearly as counted."""
    prior = PresentationLexicon.default().prior("hedge_density")
    assert prior is not None and prior.unit == "word" and prior.weight > 0
    short, long = prior.shrink(1, 14), prior.shrink(100, 14_000)
    assert abs(short - prior.rate) < abs(1 / 14 - prior.rate) / 2
    assert long == pytest.approx(100 / 14_000, rel=0.2)


def test_readability_and_byline_are_measured(audits):
    assert 0 < signal(audits["sober"], "readability").value < 100
    assert signal(audits["sober"], "missing_byline").value == 1.0


def test_credibility_ranks_the_shouty_page_below_the_sober_one(audits):
    shouty, sober = audits["shouty"].credibility, audits["sober"].credibility
    assert shouty is not None and sober is not None
    assert shouty.score < sober.score
    assert "self_declared_badge" in shouty.top_signals
    assert shouty.reputation is None  # no source list loaded


def test_non_english_articles_get_only_language_free_signals():
    audit = Auditor(workers=1).audit(
        "Der Stadtrat tagt\n\nDer Stadtrat von Lindenbrück hat am Dienstag einen neuen Radweg beschlossen. "
        "Die Arbeiten sollen im Frühjahr beginnen, sagte die Bürgermeisterin."
    )
    names = {s.name for s in audit.signals}
    assert "anonymous_sourcing" not in names and "loaded_language" not in names
    assert {"self_declared_badge", "shouting", "missing_byline"} <= names
    assert audit.credibility is not None


def test_link_inserts_left_in_the_text_are_evidence_spans():
    kept = Auditor(workers=1, remove_chrome=False).audit(SHOUTY)
    inserts = signal(kept, "related_link_inserts")
    assert inserts.removed == () and inserts.value >= 1
    assert any(span.text.startswith("READ MORE") for span in inserts.evidence)


def test_headline_evidence_quotes_a_title_given_with_outer_white_space():
    """The stance reads the title without its outer white space; its evidence must still point into the title."""
    title = "  Ridgeford Council Approves New Library Budget "
    audit = Auditor(workers=1).audit(SOBER.split("\n\n", 1)[1], title=title)
    [span] = signal(audit, "headline_stance").title_evidence
    assert audit.article.title[span.start : span.end] == span.text == title.strip()


# Fiction: a claim and a fact-check of it, by an invented checker.
FACTCHECKED = """\
Quillbury Mayor Says Tram Carries 90,000 Riders

The Quillbury tram line carries 90,000 riders every day, more than any other line in the region.

Mayor Lena Brandt said the city would add four new trams next year to cope with the crowds, and that the
first of them would run on the harbour route from March.

The council's transport committee will publish its timetable for the new trams in January, committee chair
Idris Mahon told reporters after the meeting on Thursday.
"""


def audit_with_factchecks(auditor, tmp_path, *checks: FactCheck):
    path = tmp_path / "checks.db"
    with FactCheckStore(path) as store:
        store.add(list(checks))
    return Auditor(auditor.settings.replace(factchecks=str(path))).audit(FACTCHECKED)


def test_claim_matched_to_a_false_rating_is_a_signal_with_its_evidence(auditor, tmp_path):
    check = FactCheck(
        "The Quillbury tram line carries 90,000 riders every day.",
        "False",
        publisher="Example Checks",
        url="https://checks.example/quillbury-tram",
    )
    audit = audit_with_factchecks(auditor, tmp_path, check)
    [claim] = [c for c in audit.claims if "90,000 riders" in c.span.text]
    assert [m.verdict for m in claim.factchecks] == ["False"]
    rating = signal(audit, "factcheck_rating")
    assert rating.value == 1 and rating.evidence == (claim.span,)
    assert "Example Checks" in rating.explanation and "https://checks.example/quillbury-tram" in rating.explanation
    assert '"False"' in rating.explanation
    assert rating.weight < -1 and rating.direction == "lowers" and "factcheck_rating" in audit.credibility.top_signals


def test_ratings_in_between_do_not_count_and_no_store_gives_no_signal(auditor, tmp_path):
    check = FactCheck("The Quillbury tram line carries 90,000 riders every day.", "Half True", publisher="Example")
    rating = signal(audit_with_factchecks(auditor, tmp_path, check), "factcheck_rating")
    assert rating.value == 0 and rating.weight == 0 and rating.evidence == ()
    assert "factcheck_rating" not in {s.name for s in auditor.audit(FACTCHECKED).signals}
    lexicon = PresentationLexicon.default()
    assert lexicon.rated_false("Pants on Fire!") and lexicon.rated_false("False. The photo is from 2015")
    assert (
        not lexicon.rated_false("Mostly True")
        and not lexicon.rated_false("Not false")
        and not lexicon.rated_false(None)
    )
