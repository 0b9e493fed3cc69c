"""Cue words, rule 1 of the stage: a verb (`cue_verb`), or a noun or predicative adjective (`cue_nominal`), in
a frame the cue decision (`decision`) accepts, with its source and its content. The grammar they read is in
`frames`, the spans they build in `spans`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsaudit.models.acceptance import SUBJECTS
from newsaudit.nlp import doc_text, lemma
from newsaudit.schema import Attribution, Source, Span
from newsaudit.stages.attribution.decision import Decision
from newsaudit.stages.attribution.frames import (
    RAISING,
    content_of,
    cue_frame,
    governing_verb,
    prep_object,
    subject_of,
    verb_frame,
)
from newsaudit.stages.attribution.lexicon import Lexicon
from newsaudit.stages.attribution.spans import NOUN_LIKE, cue_span, inside, is_quoted, source_span, span_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


def cue_verb(
    token: Token,
    sentence: int,
    lexicon: Lexicon,
    quoted: bool = False,
    quoted_chars: set[int] | None = None,
    decision: Decision | None = None,
) -> Attribution | None:
    if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass", "neg", "amod"):
        return None
    cue_lemma = lemma(token).lower()
    # Phrasal verbs: "play down" is a denial, "point out" a speech verb.
    # The hand lexicon names them with their particle, and that is decisive: the learned model only knows the
    # bare verb ("play"), which is rarely a cue on its own.
    particle = next((child for child in token.children if child.dep_ == "prt"), None)
    phrasal = particle is not None and f"{cue_lemma} {particle.lower_}" in lexicon.cue_kind
    if phrasal:
        cue_lemma = f"{cue_lemma} {particle.lower_}"
    decision = decision or Decision(lexicon)
    if not phrasal and decision.passes_over(token):
        return None
    frame = verb_frame(token)
    probability = 1.0 if phrasal else lexicon.cue_probability(token, frame, quoted)
    if not decision.admits(probability, frame):
        return None
    subject = None if _asked_aside(token) else subject_of(token)
    content = content_of(token, frame)
    if content is None and subject is None:
        return None
    cue = cue_span(token)
    if subject is not None and _expletive_it(subject, token):
        subject = None
    source = source_span(subject, token) if subject is not None else None
    content_span = span_of(token.doc, content) if content is not None else None
    around = False  # the content lies on both sides of its source: "…, he said, and …"
    if (
        content is not None
        and source is not None
        and content_span is not None
        and inside(source, content_span)
        and subject.i not in {t.i for t in content}
    ):
        # The subject only sits within the content's extent, not in it: the content is split around the
        # cue and its source. A relative pronoun before them ("that many economists say is …") is left out.
        left = [t for t in content if t.idx < source.start and not t.is_punct]
        right = [t for t in content if t.idx >= source.end]
        if len(left) <= 1 and right:
            content_span = span_of(token.doc, right)
        else:
            around = True
    if content_span is not None and frame == "clausal" and not around:
        misplaced = (
            source is None
            or inside(source, content_span)
            or (quoted_chars is not None and not quoted and subject.idx in quoted_chars)
        )
        if misplaced and (
            subject is not None
            or (
                token.dep_ in ("ROOT", "parataxis", "ccomp", "conj")
                and cue_lemma not in RAISING
                and not any(child.dep_ in ("nsubjpass", "auxpass") for child in token.children)
            )
        ):
            beside = _beside_cue(token, content_span, quoted_chars or set())
            if beside is not None:
                source = source_span(beside, token)
    if content_span is not None and source is not None and inside(source, content_span) and not around:
        source = None
    if source is None and not _may_lack_source(token, frame):
        return None
    if not speech_act(token, cue_lemma, frame, _head_of(token.doc, source), lexicon):
        return None
    direct = content_span is not None and is_quoted(doc_text(token.doc), content_span)
    attribution = Attribution(
        cue=cue,
        cue_lemma=cue_lemma,
        type="direct" if direct else "indirect",
        sentence=sentence,
        source=source,
        content=content_span,
    )
    return attribution if phrasal or decision(attribution, token, frame, probability, quoted) else None


#: Entity labels that name someone who can speak, whatever the head noun.
_NAMED = ("PERSON", "ORG", "NORP", "GPE")


def can_speak(head: Token | None, lexicon: Lexicon) -> bool:
    """Whether a source's head can be anyone's voice: not an event or action ("the evacuation would show"),
    nor a thing ("the shark lashed out"), unless the recogniser names it (a person, organisation, place) or
    a name stands in apposition to it (a misparse: "Before the vote, Jo Lind, an aide, said …")."""
    # A common noun opening a sentence is often tagged a proper noun for its capital ("Snow has covered …").
    opening = head is not None and head.pos_ == "PROPN" and head.i == head.sent.start and not head.ent_type_
    if head is None or (head.pos_ != "NOUN" and not opening) or head.ent_type_ in _NAMED:
        return True
    if any(child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_ in _NAMED) for child in head.children):
        return True
    word = lemma(head).lower()
    return word not in lexicon.event_nouns and word not in lexicon.thing_nouns


def speech_act(verb: Token, cue_lemma: str, frame: str, head: Token | None, lexicon: Lexicon) -> bool:
    """Whether a verb candidate is a reporting or attitude act by someone who can speak (`can_speak`). Three
    frames are none: handling no language ("…, using the old name for the pier"), an armed body backing a
    party ("a paramilitary group backing the general": help on the ground), and a document subject of an
    intransitive verb that reports nothing ("Photos circulated on Monday": the photos moved, no one spoke)."""
    if cue_lemma in lexicon.handling_verbs and frame == "object" and not _handles_language(verb, lexicon):
        return False
    if head is None:
        return True
    if not can_speak(head, lexicon):
        return False
    if cue_lemma in lexicon.support_verbs and _armed(head, lexicon) and _helps_a_party(verb, lexicon):
        return False
    document = head.pos_ == "NOUN" and bool({lemma(head).lower(), head.lower_} & lexicon.document_nouns)
    return not (document and frame in ("plain", "prep") and cue_lemma not in lexicon.cue_kind and cue_lemma != "be")


def _handles_language(verb: Token, lexicon: Lexicon) -> bool:
    """ "used the words …", "used the phrase 'a disgrace'": what is handled is language or a quotation."""
    objects = [child for child in verb.children if child.dep_ == "dobj"]
    return any(
        lemma(thing).lower() in lexicon.language_nouns
        or thing.lower_ in lexicon.language_nouns
        or any(t.is_quote for t in thing.subtree)
        for thing in objects
    )


def _armed(head: Token, lexicon: Lexicon) -> bool:
    """Whether a source is an armed body: its head or an apposition to it is an armed word ("the army") or a
    group named armed ("a paramilitary group"); people described so ("military officials") still speak."""
    people = lexicon.anonymous_nouns | lexicon.roles | lexicon.group_nouns
    for noun in [head, *(child for child in head.children if child.dep_ == "appos")]:
        word = lemma(noun).lower()
        if word in lexicon.armed_words or noun.lower_ in lexicon.armed_words:
            return True
        modifiers = {child.lower_ for child in noun.children if child.dep_ in ("amod", "compound")}
        if modifiers & lexicon.armed_words and word not in people and noun.lower_ not in people:
            return True
    return False


def _helps_a_party(verb: Token, lexicon: Lexicon) -> bool:
    """Whether what is supported is someone (a name, people, a government), not a proposal: an armed body can
    back a ceasefire plan as an attitude, but backing a general is taking a side in the fight."""
    parties = lexicon.anonymous_nouns | lexicon.roles | lexicon.group_nouns | lexicon.government_nouns
    return any(
        child.dep_ == "dobj" and (child.pos_ == "PROPN" or child.ent_type_ in _NAMED or lemma(child).lower() in parties)
        for child in verb.children
    )


def _head_of(doc: Doc, source: Source | None) -> Token | None:
    """The head token of a source span, or none."""
    if source is None:
        return None
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _asked_aside(verb: Token) -> bool:
    """ "Asked whether …, she said …", "when pressed about …": a passive participle clause without a subject
    or agent of its own; the one asking is implicit, not the main clause's subject."""
    return (
        verb.dep_ == "advcl"
        and verb.tag_ in ("VBN", "VBD")
        and lemma(verb).lower() in ("ask", "press", "question")
        and not any(child.dep_ in (*SUBJECTS, "agent") for child in verb.children)
    )


def _beside_cue(verb: Token, content: Span, quoted_chars: set[int]) -> Token | None:
    """The speaker written right next to the cue when the parse gave it a subject inside what is said, or
    none: "…,” said a spokeswoman; “…,” the minister said; “…, said X”."""
    doc = verb.doc
    sentence = verb.sent
    # Inverted: the noun phrase right after the cue (and its auxiliaries).
    after = verb.i + 1
    while after < sentence.end and doc[after].dep_ in ("advmod", "neg") and doc[after].head.i == verb.i:
        after += 1
    if after < sentence.end:
        candidate = doc[after]
        while candidate.dep_ in ("compound", "det", "amod", "nummod", "poss") and candidate.head.i > candidate.i:
            candidate = candidate.head
        if (
            candidate.pos_ in NOUN_LIKE
            and candidate.idx not in quoted_chars
            and not (content.start <= candidate.idx < content.end)
            and candidate.i - verb.i <= 8
        ):
            return candidate
    # Before: "…,” Trump said.
    before = min(
        [verb.i] + [c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i]
    )
    before -= 1
    if before >= sentence.start:
        candidate = doc[before]
        if (
            candidate.pos_ in NOUN_LIKE
            and candidate.idx not in quoted_chars
            and not (content.start <= candidate.idx < content.end)
            and not candidate.is_punct
        ):
            return candidate
    return None


def _expletive_it(subject: Token, verb: Token) -> bool:
    """ "it is hard to criticise …": the "it" of an adjective predicate, reached from an infinitive cue, is
    no one's voice."""
    return (
        subject.lower_ == "it"
        and subject.head.i != verb.i
        and any(child.dep_ == "acomp" for child in subject.head.children)
    )


def _may_lack_source(verb: Token, frame: str) -> bool:
    """Whether a verb cue may stand without a source: an implicit one ("is expected to", "was reported",
    "Asked whether …") takes a clause or is passive; a verb with an object or a prepositional object and
    no subject found ("talk about", "call for") is, on held-out PolNeAR train, rarely an attribution at all."""
    return frame in ("clausal", "passive")


def cue_nominal(
    token: Token,
    sentence: int,
    lexicon: Lexicon,
    taken: set[int],
    quoted: bool = False,
    decision: Decision | None = None,
) -> Attribution | None:
    """A noun or predicative adjective cue: "the mayor's criticism of the plan", "she is confident that …"."""
    frame = cue_frame(token)
    if frame is None or frame.endswith(":plain"):
        return None
    decision = decision or Decision(lexicon)
    if decision.passes_over(token):
        return None
    probability = lexicon.cue_probability(token, frame, quoted)
    if not decision.admits(probability, frame):
        return None
    ancestors = list(token.ancestors)[:3]
    if any(ancestor.i in taken for ancestor in ancestors):
        return None  # "said in a statement": part of a verb cue already found
    doc = token.doc
    subject = None
    if frame == "n:poss":
        subject = next(child for child in token.children if child.dep_ == "poss")
    elif token.pos_ == "ADJ":
        subject = next((child for child in token.head.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    else:
        # "criticism from rivals", "a statement by the ministry": the agent of a noun cue.
        agent = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("from", "by")), None)
        if agent is not None:
            subject = next((g for g in agent.children if g.dep_ == "pobj"), None)
        elif token.dep_ == "dobj" and lemma(token.head).lower() in _LIGHT_VERBS:
            subject = subject_of(token.head)  # "made conflicting statements", "sent messages of sympathy"
        elif token.dep_ == "pobj":
            governor = governing_verb(token)  # "voted in support of", "spoke in favor of"
            subject = subject_of(governor) if governor is not None else None
    content_tokens: list[Token] | None = None
    target = prep_object(token)
    if target is not None:
        content_tokens = list(target.subtree)
    else:
        clause = next(
            (c for c in token.children if c.dep_ in ("acl", "ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")), None
        )
        if clause is not None:
            content_tokens = list(clause.subtree)
    if content_tokens is None:
        return None
    text = doc_text(doc)
    cue = Span.of(text, token.idx, token.idx + len(token.text))
    source = source_span(subject) if subject is not None else None
    if source is None:
        return None  # "the criticism of …" with nobody's name to it: rarely an attribution (PolNeAR train)
    if not can_speak(_head_of(doc, source), lexicon):
        return None  # "the blockade's threat to …": an event voices nothing
    attribution = Attribution(
        cue=cue,
        cue_lemma=lemma(token).lower(),
        type="indirect",
        sentence=sentence,
        source=source,
        content=span_of(doc, content_tokens),
    )
    return attribution if decision(attribution, token, frame, probability, quoted) else None


_LIGHT_VERBS = frozenset(
    {
        "make",
        "give",
        "issue",
        "send",
        "offer",
        "deliver",
        "express",
        "voice",
        "release",
        "post",
        "publish",
        "share",
        "raise",
        "lodge",
        "file",
        "lay",
        "level",
        "launch",
    }
)
