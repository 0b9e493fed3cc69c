"""Source kinds and coreference: each source is classified (person, official, anonymous, unnamed group,
organization, government, outlet, document) from its named entities and head noun (`classify_source`), and
pronouns, relative pronouns and definite descriptions are resolved to the nearest earlier compatible mention
(`resolve_sources`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_entities, lemma
from newsaudit.schema import Attribution, Source
from newsaudit.stages.attribution.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "we", "you", "me", "us"}
_PLURAL_PRONOUNS = {"they", "them", "we", "us"}
_RELATIVE = {"who", "which", "that"}


def resolve_sources(doc: Doc, found: list[Attribution], lexicon: Lexicon) -> list[Attribution]:
    """Give each source its kind and name, following pronouns and descriptions back to earlier mentions."""
    mentions: list[tuple[int, str, str, bool]] = []  # (char offset, kind, name, plural)
    for entity in doc_entities(doc):
        if entity.label_ == "PERSON" and entity.root.pos_ == "PROPN":
            phrase = {t.lower_ for t in entity.root.subtree} | {
                t.lower_ for t in doc[max(0, entity.start - 3) : entity.start]
            }
            kind = "official" if phrase & lexicon.roles else "person"
            mentions.append((entity.start_char, kind, entity.text, False))
        elif entity.label_ == "ORG":
            kind = "outlet" if _is_outlet(entity.text.lower(), lexicon) else "organization"
            mentions.append((entity.start_char, kind, entity.text, False))
    resolved = []
    for attribution in found:
        source = attribution.source
        if source is None:
            resolved.append(attribution)
            continue
        kind, name, plural = classify_source(doc, source, lexicon)
        if kind == "pronoun" or kind == "description":
            earlier = [m for m in mentions + _source_mentions(resolved) if m[0] < source.start]
            wanted = _wanted_kinds(source.text.lower(), plural, lexicon)
            words = source.text.lower().split(",")[0].split()
            if kind == "description" and len(words) > 2:
                # "the port authority" is not "Crestline Research": a description with its own modifiers
                # refers back only to a mention that shares its head word.
                earlier = [m for m in earlier if words[-1] in m[2].lower()]
            match = next((m for m in reversed(earlier) if m[1] in wanted), None)
            if match is not None:
                kind, name = match[1], match[2]
            elif kind == "description":
                head = source.text.lower().split(",")[0].split()[-1]
                kind, name = ("organization" if head in lexicon.organization_words else "anonymous"), None
            else:
                kind, name = "unattributed", None
        resolved.append(replace(attribution, source=Source(source.start, source.end, source.text, kind, name)))
    return resolved


def _source_mentions(resolved: list[Attribution]) -> list[tuple[int, str, str, bool]]:
    # An anonymous source is named by its first description, up to any apposition or relative clause.
    return [
        (a.source.start, a.source.kind, a.source.name or a.source.text.split(",")[0], False)
        for a in resolved
        if a.source is not None and a.source.kind not in ("unattributed",)
    ]


def _wanted_kinds(text: str, plural: bool, lexicon: Lexicon) -> set[str]:
    head = text.split()[-1] if text.split() else text
    if head in _PERSON_PRONOUNS or head in ("who",):
        return {"person", "official", "anonymous"}
    if head in ("they", "them"):
        return {"unnamed_group", "organization", "government", "outlet"}
    if head in lexicon.anonymous_nouns or head in lexicon.roles:
        return {"anonymous", "official", "person"}
    if head in (
        "group",
        "organization",
        "organisation",
        "network",
        "observatory",
        "agency",
        "company",
        "firm",
        "party",
        "campaign",
        "committee",
        "association",
        "union",
        "coalition",
        "movement",
    ):
        return {"organization"}
    if head in lexicon.outlet_words:
        return {"outlet"}
    return {"organization", "government", "outlet", "person", "official"}


def classify_source(doc: Doc, source: Source, lexicon: Lexicon) -> tuple[str, str | None, bool]:
    """(kind, name, plural) for a source span; kind "pronoun" or "description" asks for resolution."""
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "unattributed", None, False
    lowered = source.text.lower()
    words = re.findall(r"[\w'’.-]+", lowered)
    root = span.root
    head = root.lower_
    head_lemma = lemma(root).lower()
    plural = root.tag_ in ("NNS", "NNPS") or head in _PLURAL_PRONOUNS
    entities = [e for e in doc_entities(doc) if e.start_char >= source.start and e.end_char <= source.end]
    # The small model sometimes tags a plural common noun ("Photographs") as a person: require a proper noun.
    persons = [e for e in entities if e.label_ == "PERSON" and e.root.pos_ == "PROPN"]
    orgs = [e for e in entities if e.label_ in ("ORG",)]
    places = [e for e in entities if e.label_ in ("GPE",)]
    anonymous_marker = any(marker in lowered for marker in lexicon.anonymity) or any(
        word in lexicon.anonymous_words for word in words
    )
    if len(span) == 1 and (root.pos_ == "PRON" or head in _RELATIVE):
        return "pronoun", None, plural
    if persons:
        roles = [w for w in words if w in lexicon.roles]
        return ("official" if roles else "person"), persons[0].text, False
    if lowered in lexicon.government_names or (places and len(span) <= 2 and not orgs and root.ent_type_ == "GPE"):
        return "government", source.text, False
    if head in lexicon.government_nouns and head not in ("army", "military", "police"):
        return "government", source.text, plural  # "Northland's defence ministry", "the authorities"
    if orgs and root.i >= orgs[0].start - 1:
        # The head is (or sits in) the named organisation: an outlet if its name says so.
        name = orgs[0].text
        return ("outlet" if _is_outlet(name.lower(), lexicon) else "organization"), name, False
    if head in lexicon.outlet_words or head_lemma in lexicon.outlet_words:
        return "outlet", source.text, plural  # "the Iranian press", "state media"
    if head in lexicon.document_nouns or head_lemma in lexicon.document_nouns:
        return "document", None, plural
    if orgs:
        name = orgs[0].text
        return ("outlet" if _is_outlet(name.lower(), lexicon) else "organization"), name, False
    if head in lexicon.government_nouns or head_lemma in lexicon.government_nouns:
        return "government", source.text, False
    if head in ("sources", "source") or (anonymous_marker and (head_lemma in lexicon.anonymous_nouns)):
        return "anonymous", None, plural
    partitive = _partitive_noun(root) if head in ("one", "two", "three", "some", "several", "many") else None
    if partitive is not None and (
        anonymous_marker or lemma(partitive).lower() in lexicon.anonymous_nouns or partitive.lower_ in lexicon.roles
    ):
        # "one of the officials, who spoke on condition of anonymity": an unnamed individual from a group;
        # "several of the witnesses": an unnamed group.
        return ("anonymous", None, False) if head == "one" else ("unnamed_group", None, True)
    if plural and (
        head in lexicon.group_nouns
        or head_lemma + "s" in lexicon.group_nouns
        or any(head.endswith(noun) for noun in lexicon.group_nouns if len(noun) >= 6)  # "dockworkers"
    ):
        return "unnamed_group", None, True
    if head in ("some", "many", "others", "several", "most", "few"):
        return "unnamed_group", None, True
    if plural and head_lemma in lexicon.organization_words and not any(t.pos_ == "PROPN" for t in span):
        return "unnamed_group", None, True  # "environmental groups", "aid agencies": unnamed organisations
    if head_lemma in lexicon.anonymous_nouns or head in lexicon.roles:
        determiners = {t.lower_ for t in span if t.dep_ in ("det", "nummod")}
        if determiners & {"the", "this", "that"}:
            return "description", None, plural
        return "anonymous", None, plural
    if head in lexicon.organization_words:
        if root.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in span if t.dep_ == "compound"):
            return "organization", source.text, plural  # a name the recogniser missed: "the Harbour Trust"
        return "description", None, plural
    return "unattributed", None, plural


def _partitive_noun(root: Token) -> Token | None:
    """The noun a partitive head picks from: "officials" in "one of the officials"."""
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    return None


def _is_outlet(lowered: str, lexicon: Lexicon) -> bool:
    words = set(re.findall(r"[\w+]+", lowered))
    return bool(words & lexicon.outlet_words) or any(" " in w and w in lowered for w in lexicon.outlet_words)
