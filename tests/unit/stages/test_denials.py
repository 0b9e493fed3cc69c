"""Denials, downplays and contradictions on fictional articles, linked to what they dispute."""

import pytest

from newsaudit.schema import Article, Attribution, Sentence, Source, Span
from newsaudit.stages import REGISTRY, Context
from newsaudit.stages.denials import CANDIDATES_PER_KEY, MAX_DISPUTES
from newsaudit.stages.registry import WARNINGS


@pytest.fixture(scope="module")
def audit_of(auditor):
    return lambda text: auditor.audit("A fictional headline\n\n" + text)


def test_denial_of_a_loosely_named_claim_links_to_the_statements_before_it(audit_of):
    result = audit_of(
        "Two port officials said a tanker had leaked fuel near the Brindle terminal. "
        "The leak was contained within hours, one of them said. "
        "The harbour authority denied the claims on Tuesday."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert denial.cue.text == "denied" and denial.source.text == "The harbour authority"
    assert denial.target.text == "the claims"
    disputed = " ".join(span.text for span in denial.disputes)
    assert "leaked fuel" in disputed


def test_denial_of_a_specific_report_links_by_its_content_words(audit_of):
    result = audit_of(
        "Monitors said Northland drones had been moved to the Kessary border. "
        "The weather in the capital was mild. "
        "Farmers said the harvest was late this year. "
        "Defence Minister Aurel Vantik dismissed the reports of drones at the Kessary border."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert denial.source.kind == "official" and denial.source.name == "Aurel Vantik"
    assert denial.disputes[0].text.startswith("Monitors said Northland drones")
    assert all("harvest" not in span.text for span in denial.disputes)


def test_downplay_without_a_denial_verb(audit_of):
    result = audit_of(
        "Observers said foreign advisers were commanding the units. "
        "The advisers play only an advisory role, the ministry said."
    )
    kinds = [(d.kind, d.cue.text) for d in result.denials]
    assert ("downplay", "only an advisory role") in kinds


def test_contradiction_between_two_sources_in_one_sentence(audit_of):
    result = audit_of("The ministry says the strikes hit only depots, but local residents say homes were destroyed.")
    [contradiction] = [d for d in result.denials if d.kind == "contradiction"]
    assert contradiction.source.text == "local residents"
    assert contradiction.disputes[0].text == "the strikes hit only depots"


def test_no_denials_in_agreeing_statements(audit_of):
    result = audit_of("The ministry says the bridge is safe, and engineers say the same.")
    assert result.denials == ()


def test_denial_of_the_claims_skips_fragments_of_the_source_phrase(audit_of):
    result = audit_of(
        "The convoy reached the river crossing near Tarsk on Sunday, said a border official, who spoke on "
        "condition of anonymity to discuss security matters. "
        "Regional officials denied the claims."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert any("convoy reached the river crossing" in span.text for span in denial.disputes)
    assert not any(a.cue.text.startswith("to ") for a in result.attributions)


def test_phrasal_denial_verb_is_a_denial(audit_of):
    result = audit_of(
        "Monitors said a tanker leaked fuel near the Brindle terminal on Sunday. "
        "The harbour authority played down the reports of a fuel leak near the terminal."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert denial.cue.text == "played down" and denial.source.text == "The harbour authority"
    assert denial.disputes[0].text.startswith("Monitors said a tanker leaked fuel")


def _sentence_of(result, span):
    return next(i for i, s in enumerate(result.sentences) if s.start <= span.start < s.end)


def test_denial_of_the_reports_links_only_to_the_reports_not_to_what_agrees_with_it(audit_of):
    result = audit_of(
        "Monitors said Pellish gunboats had entered the Sorrel strait on Friday. "
        "Fishermen in the harbour said the spring catch was poor. "
        "Admiral Rudo Ferant said on Saturday that Pellish gunboats stayed out of the Sorrel strait. "
        "Admiral Rudo Ferant rejected the reports of Pellish gunboats in the Sorrel strait."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert [span.text for span in denial.disputes] == [result.sentences[0].text]


def test_a_statement_saying_what_the_denier_says_is_not_disputed(audit_of):
    result = audit_of(
        "Villagers said Varnian soldiers had crossed the Oster river near Dalm on Monday. "
        "The Dalm market reopened after the spring floods. "
        "The Varnian defence ministry said no Varnian soldiers had crossed the Oster river. "
        "Defence Minister Ilse Krahn dismissed the reports of Varnian soldiers crossing the Oster river."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    assert [span.text for span in denial.disputes] == [result.sentences[0].text]


def test_no_finding_disputes_its_own_sentence_and_a_supporting_report_is_no_contradiction(audit_of):
    result = audit_of(
        "Dock workers said a Holm Line crane had collapsed at pier nine on Friday. "
        "The Holm Line denied the claims on Saturday, but the dockers' union said that the crane collapse had "
        "injured two men."
    )
    assert all(_sentence_of(result, span) != d.sentence for d in result.denials for span in d.disputes)
    assert [d.kind for d in result.denials] == ["denial"]
    assert result.denials[0].disputes[0].text.startswith("Dock workers said")


def test_two_sources_that_agree_across_a_contrast_word_are_no_contradiction(audit_of):
    result = audit_of(
        "Police say the fire began in the bakery kitchen, while neighbours say they first saw smoke rising from "
        "the bakery."
    )
    assert [d for d in result.denials if d.kind == "contradiction"] == []


def test_contradiction_across_two_sentences(audit_of):
    result = audit_of(
        "The Tarvel ministry said three people died in the Kell flood. "
        "Hospital staff, however, said at least forty people were killed."
    )
    [contradiction] = [d for d in result.denials if d.kind == "contradiction"]
    assert contradiction.source.text == "Hospital staff"
    assert contradiction.disputes[0].text == "three people died in the Kell flood"


def test_downplay_skips_background_that_agrees_with_it_and_the_denial_before_it(audit_of):
    result = audit_of(
        "Witnesses said Ostrian soldiers had joined the assault on Pell. "
        "Ostria has kept military advisers in the region for years. "
        "The Ostrian army denied the claims. "
        "Ostrian personnel in the region play only an advisory role, the army said."
    )
    [downplay] = [d for d in result.denials if d.kind == "downplay"]
    assert [span.text for span in downplay.disputes] == [result.sentences[0].text]


def test_denial_of_the_claims_reaches_an_earlier_report_of_the_same_event(audit_of):
    result = audit_of(
        "Hundreds of Kalvan volunteers have reportedly joined the rebels in Mora. "
        "The city is known for its glass factories and its river port. "
        "Spring rains have flooded several roads in the region. "
        "The volunteers gathered near the Mora airport last week, a regional official said. "
        "Kalvan officials denied the claims."
    )
    [denial] = [d for d in result.denials if d.kind == "denial"]
    disputed = {_sentence_of(result, span) for span in denial.disputes}
    assert disputed == {0, 3}


def _said(text: str, sentence_start: int, number: int, who: str, cue: str, lemma: str, what: str, kind: str):
    """An attribution built by hand: `who` `cue` `what`, inside the sentence that starts at `sentence_start`."""
    at = text.index(who, sentence_start)
    cue_at, what_at = text.index(cue, at), text.index(what, at)
    return Attribution(
        Span.of(text, cue_at, cue_at + len(cue)),
        lemma,
        "indirect",
        number,
        Source(at, at + len(who), who, kind),
        Span.of(text, what_at, what_at + len(what)),
    )


def test_a_denial_reads_a_bounded_number_of_earlier_statements_and_says_so():
    report = "Monitors said that Norran drones had flown over the Kessary border again."
    denial = "Minister Aurel Vantik dismissed the reports of Norran drones over the Kessary border."
    pieces = [report] * (CANDIDATES_PER_KEY * 3) + [denial]
    text = " ".join(pieces)
    sentences, attributions, start = [], [], 0
    for number, piece in enumerate(pieces):
        sentences.append(Sentence(start, start + len(piece), piece))
        if piece is report:
            what = "Norran drones had flown over the Kessary border again"
            attributions.append(_said(text, start, number, "Monitors", "said", "say", what, "unnamed_group"))
        else:
            what = "the reports of Norran drones over the Kessary border"
            attributions.append(_said(text, start, number, "Aurel Vantik", "dismissed", "dismiss", what, "official"))
        start += len(piece) + 1
    findings = {"sentences": tuple(sentences), "attributions": tuple(attributions), "entities": (), "hedges": ()}
    output = REGISTRY["denials"](Context(Article(id="fiction", text=text), None, findings))
    [found] = output["denials"]
    assert len(found.disputes) == len(found.reasons) == MAX_DISPUTES
    latest = {s.start for s in sentences[-1 - CANDIDATES_PER_KEY : -1]}
    assert all(span.start in latest for span in found.disputes)
    assert f"latest {CANDIDATES_PER_KEY}" in found.reasons[-1]
    [warning] = output[WARNINGS]
    assert warning.code == "work_capped" and str(CANDIDATES_PER_KEY) in warning.message
