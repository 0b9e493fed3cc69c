"""The grammar of a candidate cue: its frame (`cue_frame`, `verb_frame`: it takes a clause, an object or a
prepositional object, is passive, …), the token that is its source (`subject_of`: through coordination,
participles, gerunds and passives) and the tokens of what it reports (`content_of`). Read by the cue rules
(`cues`), and by the training of the cue model, which counts each word by its frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsaudit.models.acceptance import SUBJECTS
from newsaudit.nlp import lemma
from newsaudit.stages.attribution.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Token

#: Verbs that give the writer's assessment ("X seems to Y"), with no source of their own.
RAISING = {"seem", "appear"}
_SPEECH_LEMMAS = frozenset({"say", "tell", "add", "state", "announce", "explain", "note", "write", "report"})

_CONTENT_PREPOSITIONS = frozenset({"of", "for", "to", "about", "on", "against", "with", "over", "that", "in"})


def cue_frame(token: Token) -> str | None:
    """The frame of a candidate cue of any part of speech, or None for tokens that cannot be cues.

    Verbs use `verb_frame`; nouns are `n:poss` (someone's criticism), `n:prep` (criticism of …), `n:clausal`
    (the claim that …) or `n:plain`; predicative adjectives are `a:clausal`, `a:prep` or `a:plain`."""
    if token.pos_ in ("VERB", "AUX"):
        return None if token.dep_ in ("aux", "auxpass", "neg", "amod") else verb_frame(token)
    deps = {child.dep_ for child in token.children}
    if token.pos_ == "NOUN":
        if "poss" in deps:
            return "n:poss"
        if deps & {"acl", "ccomp"} and any(c.dep_ in ("acl", "ccomp") and c.pos_ == "VERB" for c in token.children):
            return "n:clausal"
        if prep_object(token) is not None:
            return "n:prep"
        return "n:plain"
    if token.pos_ == "ADJ" and token.dep_ in ("acomp", "oprd"):
        if deps & {"xcomp", "ccomp"}:
            return "a:clausal"
        if prep_object(token) is not None:
            return "a:prep"
        return "a:plain"
    return None


def prep_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in _CONTENT_PREPOSITIONS:
            objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if objects:
                return objects[0]
    return None


def verb_frame(token: Token) -> str:
    """The syntactic frame a verb appears in, as far as attribution cares: `clausal` (it takes a clause, or
    is parenthetical to one), `object`, `prep` (a prepositional object: "referring to", "called for"),
    `passive`, or `plain`."""
    deps = {child.dep_ for child in token.children}
    if deps & {"ccomp", "xcomp"} or (token.dep_ in ("parataxis", "ccomp") and token.head.i < token.i):
        return "clausal"
    if any(child.lower_ == ":" and child.i > token.i for child in token.children):
        return "clausal"
    if "auxpass" in deps:
        return "passive"
    if "dobj" in deps:
        return "object"
    if "prep" in deps and any(
        grandchild.dep_ == "pobj" for child in token.children if child.dep_ == "prep" for grandchild in child.children
    ):
        return "prep"
    return "plain"


def subject_of(verb: Token) -> Token | None:
    """The source token: the verb's subject; for a passive, its agent ("by X") or none; for a coordinated
    verb, participle or infinitive without a subject of its own, the subject of the verb it hangs from."""
    if lemma(verb).lower() in RAISING:
        return None  # "X seems to Y": the writer's assessment, with no source of its own
    current = verb
    for _ in range(4):
        for child in current.children:
            if child.dep_ == "nsubjpass":
                agent = next((c for c in current.children if c.dep_ == "agent"), None)
                return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
            if child.dep_ in ("nsubj", "csubj"):
                return None if child.lower_ in ("it", "there") and child.dep_ == "expl" else child
        if current.dep_ == "acl" and current.tag_ == "VBG":
            return current.head  # "ads attacking X": the ads
        if current.dep_ == "conj" and current.head.dep_ == "ccomp" and current.head.head.i != current.head.i:
            # "X said the bridge was safe and warned that …": the parse often hangs "warned" from the
            # reported clause; a second cue verb there is coordinated with the outer cue, not with the clause.
            outer = current.head.head
            if outer.pos_ == "VERB" and lemma(outer).lower() in _SPEECH_LEMMAS:
                current = outer
                continue
        if current.dep_ in ("conj", "xcomp", "advcl"):
            current = current.head
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":
            # "… by nominating", "after saying", "her refusal of …": the governing verb's subject.
            governor = governing_verb(current.head)
            if governor is not None:
                current = governor
                continue
        if current.dep_ in ("relcl", "acl") and current.head.dep_ in ("dobj", "pobj"):
            # "had kind words to say": the one who has the words says them.
            governor = governing_verb(current.head)
            if governor is not None:
                current = governor
                continue
        # A relative clause with no subject of its own ("the words to say", "a report released on Tuesday")
        # hangs from its object, not its speaker.
        return None
    return None


def content_of(verb: Token, frame: str) -> list[Token] | None:
    """The tokens of what is said, by frame: the clausal complement (or the clause the cue is parenthetical
    to, or what follows a colon), the objects, or the prepositional object."""
    if frame in ("clausal", "passive"):
        for child in verb.children:
            if child.dep_ == "ccomp" and lemma(verb).lower() in _SPEECH_LEMMAS:
                # "said the bridge was safe and warned that …": the coordinated cue is not part of what was said.
                coordinated = [c for c in child.children if c.dep_ == "conj" and _is_coordinated_cue(c)]
                if coordinated:
                    skip = {t.i for c in coordinated for t in c.subtree}
                    kept = [t for t in child.subtree if t.i not in skip and not (t.dep_ == "cc" and t.head == child)]
                    return kept
            if child.dep_ in ("ccomp", "xcomp"):
                # "X is expected to win", "X seems to lead": with no source, the subject is part of what is
                # attributed.
                subject = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")), None)
                if subject is not None and (frame == "passive" or lemma(verb).lower() in RAISING):
                    return [*subject.subtree, *child.subtree]
                return list(child.subtree)
        if verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i:
            # "The leak was small, said the official": the cue hangs from the content's verb.
            return [t for t in verb.head.subtree if t.i < verb.left_edge.i or t.i > verb.right_edge.i]
        colon = next((child for child in verb.children if child.lower_ == ":" and child.i > verb.i), None)
        if colon is not None:
            return [t for t in verb.sent if t.i > colon.i] or None
    if frame == "passive" and not any(child.dep_ == "agent" for child in verb.children):
        # "Rubio is seen as the favourite", "The statement was attributed to his doctor": with no agent, what
        # is attributed is the rest of the clause.
        skip = {"aux", "auxpass", "neg", "punct", "cc", "mark", "advmod"}
        parts = [t for child in verb.children if child.dep_ not in skip for t in child.subtree]
        return parts or None
    if frame == "object":
        parts = [t for child in verb.children if child.dep_ in ("dobj", "oprd", "dative") for t in child.subtree]
        return parts or None
    if frame == "prep":
        for child in verb.children:
            if child.dep_ == "prep":
                objects = [t for grandchild in child.children if grandchild.dep_ == "pobj" for t in grandchild.subtree]
                if objects:
                    return objects
    # A quotation just before the cue that the parse did not link: “…,” she said.
    sentence = verb.sent
    quote_end = verb.left_edge.i - 1
    while quote_end >= sentence.start and verb.doc[quote_end].is_punct and not verb.doc[quote_end].is_quote:
        quote_end -= 1
    if quote_end >= sentence.start and verb.doc[quote_end].is_quote:
        return [t for t in sentence if t.i <= quote_end] or None
    return None


def _is_coordinated_cue(token: Token) -> bool:
    return (
        token.pos_ == "VERB"
        and lemma(token).lower() in Lexicon.default().cue_kind
        and not any(child.dep_ in SUBJECTS for child in token.children)
        and any(child.dep_ in ("ccomp", "xcomp") for child in token.children)
    )


def governing_verb(token: Token) -> Token | None:
    """The nearest verb above a token, through prepositions and objects (at most three steps)."""
    current = token
    for _ in range(3):
        if current.head.i == current.i:
            return None
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return None
