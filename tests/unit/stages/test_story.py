"""The story stage's pure parts: copy families, origins, roles (`families`) and the claim helpers (`claims`)."""

from __future__ import annotations

from newsaudit.stages.story.claims import facts_agree, has_denial_cue, inflections, sentence_spans
from newsaudit.stages.story.families import Edge, Node, families, owner_key


def _nodes(*specs):
    return [Node(i, d, p, None, n) for n, (i, d, p) in enumerate(specs)]


def test_ten_reprints_and_one_independent_report_are_two_origins():
    reprints = [(f"r{k}", f"r{k}.example", "2031-04-02") for k in range(10)]
    nodes = _nodes(("orig", "wire.example", "2031-04-01"), *reprints, ("indep", "valley.example", "2031-04-02"))
    edges = [Edge(f"r{k}", "orig", 0.97, 0.99) for k in range(10)]
    found = families(nodes, edges)
    assert found.origins == 2
    assert found.first_report == "orig"
    assert found.role["orig"] == "original" and found.role["indep"] == "follow-up"
    assert all(found.role[f"r{k}"] == "copy" and found.copies[f"r{k}"][0] == "orig" for k in range(10))
    assert len({found.origin[f"r{k}"] for k in range(10)} | {found.origin["orig"]}) == 1
    assert found.origin["indep"] != found.origin["orig"]


def test_a_reprint_of_a_reprint_is_credited_to_the_original_and_small_overlaps_join_nothing():
    nodes = _nodes(("a", "a.example", "2031-01-01"), ("b", "b.example", "2031-01-02"), ("c", "c.example", "2031-01-03"))
    edges = [Edge("b", "a", 0.9, 0.9), Edge("c", "b", 0.92, 0.92), Edge("c", "a", 0.9, 0.9)]
    found = families(nodes, edges)
    assert found.copies["c"][0] == "a" and found.origins == 1
    weak = families(nodes, [Edge("b", "a", 0.1, 0.1)])  # a shared quotation, not a copy
    assert weak.origins == 3 and weak.role["b"] == "follow-up"


def test_outlets_of_one_owner_are_one_origin():
    nodes = _nodes(("a", "www.daily.example", "2031-01-01"), ("b", "daily.example", "2031-01-02"),
                   ("c", "sister.example", "2031-01-03"), ("d", "rival.example", "2031-01-03"))  # fmt: skip
    assert families(nodes, []).origins == 3  # a and b: one domain
    owned = families(nodes, [], {"sister.example": "Daily Group", "daily.example": "Daily Group"})
    assert owned.origins == 2
    assert owner_key("news.sister.example", {"sister.example": "Daily Group"}) == "owner:daily group"


def test_missing_dates_are_said_plainly():
    some = families(_nodes(("a", "a.example", None), ("b", "b.example", "2031-01-02")), [])
    assert some.first_report == "b" and some.undated == 1 and "earliest dated" in some.note
    none = families(_nodes(("a", "a.example", None), ("b", "b.example", None)), [])
    assert none.first_report == "a" and "saw first" in none.note


def test_sentence_spans_quote_the_text():
    text = "The dam broke on Tuesday night. Short one.\n\nEngineers said 14 villages were evacuated!"
    spans = sentence_spans(text)
    assert [text[s.start : s.end] for s in spans] == [s.text for s in spans]
    assert [s.text for s in spans] == ["The dam broke on Tuesday night.", "Engineers said 14 villages were evacuated!"]


def test_facts_must_agree_for_a_sentence_to_carry_a_claim():
    claim = "Engineers said 14 villages near Ostrand were evacuated."
    assert facts_agree(claim, "Fourteen villages around Ostrand were emptied, 14 in all.")
    assert not facts_agree(claim, "Engineers said 40 villages near Ostrand were evacuated.")
    assert not facts_agree(claim, "Engineers said 14 villages near Kesk were evacuated.")


def test_denial_cues_in_any_form():
    assert {"denies", "denied", "denying"} <= inflections("deny")
    assert {"refuted", "refuting"} <= inflections("refute")
    assert has_denial_cue("The authority denied the reports on Thursday.")
    assert has_denial_cue("The ministry rejects the account.")
    assert not has_denial_cue("The authority confirmed the reports on Thursday.")
