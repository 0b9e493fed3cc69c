"""Who can be a source: a cue is a reporting or attitude act by someone who can speak (fictional sentences)."""

import pytest

from newsaudit.models.acceptance import Acceptance
from newsaudit.models.roles import RoleTagger
from newsaudit.nlp import load_pipeline
from newsaudit.settings import DEFAULT_MODEL
from newsaudit.stages.attribution import Lexicon, find_attributions


@pytest.fixture(scope="module")
def attribute():
    nlp = load_pipeline(DEFAULT_MODEL)

    def run(text: str):
        doc = nlp("A fictional headline\n\n" + text)
        return find_attributions(doc, Lexicon.default(), RoleTagger.default(), Acceptance.default())

    return run


def cues(attributions) -> dict[str, str | None]:
    return {a.cue.text: a.source.text if a.source is not None else None for a in attributions}


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        # An event or action is no one's voice, whatever its verb.
        ("The evacuation would show how seriously the council takes the flood warnings.", "would show"),
        ("But the airlift would show a growing commitment to the island's reconstruction.", "would show"),
        ("The blockade signalled that the talks had failed.", "signalled"),
        ("The offensive suggests the rebels have regrouped in the hills.", "suggests"),
        ("This discovery could tell us much about the early settlers of Brindle Bay.", "could tell"),
        # Nor is an animal.
        ("The shark lashes out with its extendable jaw.", "lashes out"),
        # A document that moved is not a document that speaks.
        ("Videos circulated online this week appeared to show the ferry listing in the harbour.", "circulated"),
        ("Photos circulated widely on Wednesday purported to show the mayor at the quay.", "circulated"),
        # An armed body backing a party to the fight gives help, not an opinion.
        (
            "The Valdoria Front, a paramilitary group also backing General Orsk on the front line, has sent more "
            "fighters to the port, the Coastal Herald reported.",
            "backing",
        ),
        # Using a name is no report.
        (
            "Fighters have arrived through Ostrava airfield in Kelvar, the group said, using the old name for the "
            "city's Orsk Memorial Airport.",
            "using",
        ),
        (
            "Ferries have docked at Kelvar pier in Brindle, the trust said, using the former name for the town's "
            "Northgate Terminal.",
            "using",
        ),
    ],
)
def test_a_source_that_cannot_speak_or_a_cue_that_is_no_speech_act_is_no_attribution(attribute, sentence, cue):
    assert cue not in cues(attribute(sentence))


@pytest.mark.parametrize(
    ("sentence", "cue", "source"),
    [
        ("A spokesperson said the ferries would run on Sunday.", "said", "A spokesperson"),
        ("The report found that nitrate levels had doubled.", "found", "The report"),
        ("The latest poll shows the mayor ahead by six points.", "shows", "The latest poll"),
        ("The ministry denied that any fuel had leaked.", "denied", "The ministry"),
        ("Activists claimed the vote had been rigged.", "claimed", "Activists"),
        # Political backing is an attitude, and a document may still purport to show.
        ("The teachers' union is backing Mayor Lindqvist for a second term.", "is backing", "The teachers' union"),
        (
            "Photographs circulated online this week purported to show the harbour master addressing dockworkers "
            "in Kelvar.",
            "purported",
            "Photographs",
        ),
        # Words used are words said.
        ('The mayor used the words "a disgrace" to describe the plan.', "used", "The mayor"),
    ],
)
def test_speakers_and_speaking_documents_stay_sources(attribute, sentence, cue, source):
    assert cues(attribute(sentence)).get(cue) == source


def test_the_speech_cue_beside_a_using_aside_stays(attribute):
    found = cues(
        attribute(
            "Fighters have arrived through Ostrava airfield in Kelvar, the group said, using the old name for the "
            "city's Orsk Memorial Airport."
        )
    )
    assert found.get("said") == "the group"
