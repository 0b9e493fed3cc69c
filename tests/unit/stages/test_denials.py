"""Denials, downplays and contradictions on fictional articles, linked to what they dispute."""

import pytest


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
