"""Hedges on fictional sentences: each kind, its scope, and words that only look like hedges."""

import pytest


@pytest.fixture(scope="module")
def hedges_of(auditor):
    def run(text: str):
        result = auditor.audit("A fictional headline\n\n" + text)
        return [(h.cue.text, h.kind, h.scope.text) for h in result.hedges]

    return run


def test_hedge_reportive_adverb_scopes_over_its_clause(hedges_of):
    [(cue, kind, scope)] = hedges_of("Forty drones have reportedly landed at the northern airstrip.")
    assert (cue, kind) == ("reportedly", "reportive")
    assert scope == "Forty drones have reportedly landed at the northern airstrip"


def test_hedge_modal_and_epistemic_adverb(hedges_of):
    found = hedges_of("The strike may spread to the eastern port. It will probably end by Friday.")
    assert [(cue, kind) for cue, kind, _ in found] == [("may", "epistemic"), ("probably", "epistemic")]


def test_hedge_distancing_adjective_scopes_over_its_noun_phrase(hedges_of):
    [(cue, kind, scope)] = hedges_of("Police arrested the so-called harbour ghost on Sunday.")
    assert (cue, kind) == ("so-called", "distancing") and scope == "the so-called harbour ghost"


def test_hedge_unverified_phrase_is_not_also_a_modal(hedges_of):
    found = hedges_of("The figures could not be independently verified.")
    assert [(cue, kind) for cue, kind, _ in found] == [("could not be independently verified", "unverified")]


def test_hedge_reported_to_and_expected_to(hedges_of):
    found = hedges_of("The envoy was reported to have left. Talks are expected to resume next week.")
    assert [(cue, kind) for cue, kind, _ in found] == [
        ("was reported to", "reportive"),
        ("are expected to", "epistemic"),
    ]


def test_hedge_approximation_only_before_a_number(hedges_of):
    found = hedges_of("The ferry carried nearly 1,000 passengers. They talked about the weather for about an hour.")
    assert [(cue, kind, scope) for cue, kind, scope in found] == [
        ("nearly", "approximation", "nearly 1,000 passengers")
    ]


def test_hedge_month_may_and_plain_statements_are_not_hedges(hedges_of):
    assert hedges_of("The bridge opened in May. The mayor cut the ribbon.") == []
