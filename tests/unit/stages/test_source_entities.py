"""One person, one kind: source mentions merged into entities on fictional articles (issue 16, section 3)."""

import pytest

from newsaudit.schema import Attribution


@pytest.fixture(scope="module")
def audit_text(auditor):
    def run(text: str):
        result = auditor.audit("A fictional headline\n\n" + text)
        assert not result.failed, result.errors
        return result

    return run


def sources(result, text: str) -> list:
    found = [a.source for a in result.attributions if a.source is not None and a.source.text == text]
    assert found, [(a.cue.text, a.source and a.source.text) for a in result.attributions]
    return found


def one(result, text: str):
    [source] = {(s.kind, s.name, s.entity) for s in sources(result, text)}
    return source


def test_full_name_then_surname_is_one_source(audit_text):
    result = audit_text(
        "Dana Whitfield, a retired ferry pilot, said on Monday that the pier would close. "
        "Whitfield said the repairs would cost more than expected."
    )
    first = one(result, "Dana Whitfield, a retired ferry pilot")
    assert one(result, "Whitfield") == first == ("person", "Dana Whitfield", 0)
    profile = result.sourcing
    assert profile["named_sources"] == ["Dana Whitfield"] and profile["n_named_sources"] == 1
    assert profile["n_sources"] == 1 and profile["attributions_by_kind"] == {"person": 2}


def test_surname_first_then_titled_full_name_is_one_official(audit_text):
    result = audit_text(
        "Holmes said the vote had been rigged. Councillor David Holmes later told the Coastal Herald that he had "
        "seen the ballots."
    )
    assert one(result, "Holmes") == one(result, "Councillor David Holmes") == ("official", "David Holmes", 0)
    assert result.sourcing["named_sources"] == ["David Holmes"]


def test_role_titled_name_has_one_kind_in_every_sentence(audit_text):
    # The title stands once, in a sentence without a cue; the surname and the description take its kind.
    result = audit_text(
        "Mayor Dana Whitfield opened the bridge on Monday. “It is safe,” Whitfield said. "
        "The mayor said the bridge had cost two million euros."
    )
    kinds = {(a.source.kind, a.source.name, a.source.entity) for a in result.attributions if a.source}
    assert kinds == {("official", "Dana Whitfield", 0)}
    assert result.sourcing["sources_by_kind"] == {"official": 1}
    assert result.sourcing["attributions_by_kind"] == {"official": 2}


def test_surname_the_recogniser_took_for_an_organization_is_the_person(audit_text):
    result = audit_text(
        "Inspector Omar Nantes closed the case on Monday. Nantes said the thief had fled north with the money."
    )
    assert one(result, "Nantes") == ("official", "Omar Nantes", 0)


def test_a_surname_two_people_share_goes_to_the_nearest_full_name_before_it(audit_text):
    result = audit_text(
        "Dana Whitfield said the pier was unsafe. Her brother Tom Whitfield said the repairs were late. "
        "Whitfield said the council had ignored him."
    )
    assert one(result, "Whitfield") == one(result, "Her brother Tom Whitfield") == ("person", "Tom Whitfield", 1)
    assert one(result, "Dana Whitfield")[:2] == ("person", "Dana Whitfield")
    assert result.sourcing["named_sources"] == ["Dana Whitfield", "Tom Whitfield"]


def test_her_lawyer_is_an_unnamed_source_tied_to_the_person(audit_text):
    result = audit_text(
        "Tomas Brevik was charged with fraud on Tuesday. His lawyer said the charges were baseless. "
        "Brevik said he would appeal."
    )
    lawyer = one(result, "His lawyer")
    assert lawyer[:2] == ("anonymous", "Tomas Brevik's lawyer")
    assert one(result, "Brevik")[:2] == ("person", "Tomas Brevik")
    assert lawyer[2] != one(result, "Brevik")[2]
    assert result.sourcing["n_sources"] == 2


def test_the_ministers_aide_is_not_the_minister(audit_text):
    result = audit_text(
        "Transport Minister Lena Okafor said the ferries would run. The minister's aide said the timetable was "
        "final. The aide said the crews had been told."
    )
    aide = one(result, "The minister's aide")
    assert aide[:2] == ("anonymous", "Lena Okafor's aide")
    assert one(result, "The aide") == aide
    assert one(result, "Transport Minister Lena Okafor")[:2] == ("official", "Lena Okafor")


def test_a_persons_office_is_not_the_person(audit_text):
    result = audit_text(
        "Councillor Ivo Sydney chaired the meeting. Sydney's office said the road would be widened next year."
    )
    assert one(result, "Sydney's office")[:2] == ("organization", "Ivo Sydney's office")


def test_our_reporters_are_the_articles_own_outlet_not_a_named_source(audit_text):
    from newsaudit.stages.attribution.sources import OWN_OUTLET

    result = audit_text(
        "Our reporters saw the barges leave the harbour at dawn. "
        "Our correspondent in Brindle Bay said the quay was empty by noon."
    )
    reporters = one(result, "Our reporters")
    assert reporters[:2] == ("outlet", OWN_OUTLET)
    assert one(result, "Our correspondent in Brindle Bay") == reporters
    profile = result.sourcing
    assert profile["named_sources"] == [] and profile["n_named_sources"] == 0
    assert profile["own_outlet_attributions"] == 2 and profile["n_sources"] == 0


def test_pronoun_and_description_join_the_entity_of_their_antecedent(audit_text):
    result = audit_text(
        "A senior port official said the tanker had leaked fuel. She said the leak was small. "
        "The official said divers would inspect the hull."
    )
    [entity] = {(s.kind, s.name, s.entity) for a in result.attributions if (s := a.source)}
    assert entity == ("anonymous", "A senior port official", 0)
    assert result.sourcing["n_sources"] == 1 and result.sourcing["sources_by_kind"] == {"anonymous": 1}


def test_profile_of_attributions_without_entities_counts_names():
    from newsaudit.schema import Source, Span
    from newsaudit.stages.attribution import profile

    cue = Span(0, 4, "said")
    found = (
        Attribution(cue, "say", "indirect", 0, Source(0, 4, "Ilse", "person", "Ilse Brandt")),
        Attribution(cue, "say", "indirect", 1, Source(5, 9, "Ilse", "person", "Ilse Brandt")),
        Attribution(cue, "say", "indirect", 2, Source(10, 14, "some", "unnamed_group")),
    )
    counts = profile(found, 3)
    assert counts["n_sources"] == 2 and counts["sources_by_kind"] == {"person": 1, "unnamed_group": 1}
