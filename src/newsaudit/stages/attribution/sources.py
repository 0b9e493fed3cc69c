"""Source kinds and coreference. Each source is classified (person, official, anonymous, unnamed group,
organization, government, outlet, document) from its named entities and head noun (`classify_source`);
pronouns, relative pronouns and definite descriptions take the nearest earlier compatible mention; then the
mentions that corefer become one entity with one kind, name and `entity` number (`resolve_sources`).

Merged: the same span; a pronoun or description and its antecedent; the forms of one name ("Dana
Whitfield", "Mayor Dana Whitfield", "Ms Whitfield", "Whitfield": by first and last word, a lone surname by
the article's full names, the nearest preceding where two share it), also where the recogniser took the
surname for an organization or a place; an organization's name; one possessor's role noun ("her lawyer",
"Brevik's lawyer"): an unnamed source of its own named after its possessor ("Tomas Brevik's lawyer"), never
the possessor nor "no source". "Our reporters", "this newspaper": the article's own outlet, `OWN_OUTLET`.
An entity's kind is the first in `KIND_PRECEDENCE` that any mention has, a role in any mention (the
article's PERSON entities too) making a person an official. Cost: names are found by key, and a pronoun
looks back at most `LOOKBACK` mentions.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import namedtuple
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_entities, doc_text, lemma
from newsaudit.resources import package_text
from newsaudit.schema import Attribution, Source
from newsaudit.stages.attribution.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: An entity's one kind: the first of these that any of its mentions has, the most specific evidence first.
KIND_PRECEDENCE = ("official", "person", "outlet", "government", "organization", "document", "anonymous")
KIND_PRECEDENCE += ("unnamed_group", "unattributed")
#: The name of the article's own outlet ("our reporters"): it says whose, so it is no other outlet's credit.
OWN_OUTLET = "(this article's outlet)"
#: How many earlier mentions a pronoun or description looks back over, so that long texts stay linear.
LOOKBACK = 200

_PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "we", "you", "me", "us"}
_PLURAL_PRONOUNS = {"they", "them", "we", "us"}
_RELATIVE = {"who", "which", "that"}
_POSSESSIVE = re.compile(r"['’]s?$")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})
_COLLECTIVE = frozenset({"family", "relatives", "team", "staff", "camp"})
#: Heads of a description that refers back to an organization only ("the group said").
_ORGANIZATION_HEADS = frozenset("group organization organisation network observatory agency company firm".split())
_ORGANIZATION_HEADS |= frozenset("party campaign committee association union coalition movement".split())


@cache
def _entity_words() -> dict:
    """The lexicon's lists for entities (titles, representative nouns, the own outlet's nouns and phrases)."""
    data = tomllib.loads(package_text("lexicons/attribution.toml"))["sources"]
    words = {name: frozenset(data[name]) for name in ("titles", "representative_nouns", "own_outlet_nouns")}
    return words | {"own_outlet_phrases": tuple(data["own_outlet_phrases"])}


#: A mention a pronoun can refer to; `node` is its union-find node (a span, or a PERSON's or ORG's name).
_Mention = namedtuple("_Mention", "offset kind name node")


@dataclass(slots=True)
class _Row:  # one source resolved: its kind before merging, name, node, and for a possessed noun its owner
    kind: str
    name: str | None
    node: str
    person: str | None = None  # the person key when the mention names (or stands for) a person
    owner: str | None = None  # node of the possessor ("her" in "her lawyer")
    owner_name: str | None = None
    head: str = ""  # the possessed words ("lawyer", "foreign minister")


class _Links(dict):  # union-find over mention nodes (node -> parent), with path compression
    def find(self, node: str) -> str:
        root = node
        while (up := self.setdefault(root, root)) != root:
            root = up
        while node != root:
            self[node], node = root, self[node]
        return root

    def union(self, a: str, b: str) -> None:
        self[self.find(a)] = self.find(b)


class _People:
    """The article's people by name, so that "Whitfield", "Ms Whitfield" and "Mayor Dana Whitfield" all find
    "Dana Whitfield": full names by first and last word, and by surname (text order kept for ties)."""

    def __init__(self, titles: frozenset[str]) -> None:
        self.titles = titles
        self.full: dict[tuple[str, str], str] = {}
        self.shown: dict[str, str] = {}  # key -> the fullest form written, titles left off
        self.surnames: dict[str, tuple[list[int], list[str]]] = {}

    def words(self, name: str) -> list[str]:
        """A name's words without leading titles or "the" and without a trailing possessive or "Jr."."""
        words = [w for w in (w.strip(',;:()“”"') for w in name.split(",")[0].split()) if w]
        while len(words) > 1 and words[0].casefold().rstrip(".") in self.titles:
            words.pop(0)
        if words:
            words[-1] = _POSSESSIVE.sub("", words[-1])
        while len(words) > 1 and words[-1].casefold().rstrip(".") in _NAME_SUFFIXES:
            words.pop()
        return [w for w in words if w]

    def add(self, name: str, offset: int) -> None:
        words = self.words(name)
        if len(words) < 2:
            return
        folded = [w.casefold() for w in words]
        key = self.full.setdefault((folded[0], folded[-1]), " ".join(folded))
        if len(words) > len(self.shown.get(key, "").split()):
            self.shown[key] = " ".join(words)
        for surname in {folded[-1], re.sub(r"^(?:al|el|ul|ad|as|ash|at|az)-", "", folded[-1])}:
            offsets, keys = self.surnames.setdefault(surname, ([], []))
            offsets.append(offset)
            keys.append(key)

    def key(self, name: str, offset: int, full_only: bool = False) -> str | None:
        """The person `name` means here: a full name's key, or a surname's nearest preceding full name (the
        first where none precedes); a lone word the article gives no full name for is its own key unless
        `full_only`."""
        words = [w.casefold() for w in self.words(name)]
        if not words or not all(any(c.isalpha() for c in w) for w in words):
            return None
        if len(words) > 1:
            known = self.full.get((words[0], words[-1]))
            return known if known is not None or full_only else " ".join(words)
        offsets, keys = self.surnames.get(words[0], ((), ()))
        if not keys:
            return None if full_only else words[0]
        return keys[max(bisect_right(offsets, offset) - 1, 0)]


def resolve_sources(doc: Doc, found: list[Attribution], lexicon: Lexicon) -> list[Attribution]:
    """Give each source its kind, name and entity: pronouns, descriptions and possessors are followed back to
    earlier mentions, then the mentions that corefer are merged (see the module's docstring)."""
    words = _entity_words()
    people = _People(words["titles"] | lexicon.roles | {"the"})
    ner: list[_Mention] = []
    titled: set[str] = set()  # person keys of which some PERSON entity in the article carries a role
    persons = {e.start: e for e in doc_entities(doc) if e.label_ == "PERSON" and e.root.pos_ == "PROPN"}
    for entity in persons.values():
        people.add(entity.text, entity.start_char)
    for entity in doc_entities(doc):
        if entity.start in persons and (key := people.key(entity.text, entity.start_char)) is not None:
            titled.update([key] if (kind := _titled(doc, entity, lexicon)) == "official" else [])
            ner.append(_Mention(entity.start_char, kind, entity.text, "person:" + key))
        elif entity.label_ == "ORG":
            kind = "outlet" if _is_outlet(entity.text.lower(), lexicon) else "organization"
            ner.append(_Mention(entity.start_char, kind, entity.text, "name:" + _name_key(entity.text)))
    breaks = [m.start() for m in re.finditer("\n", doc_text(doc))]
    context = _Context(doc, lexicon, people, ner, [m.offset for m in ner], [], _Links(), breaks)
    rows: list[_Row | None] = []
    for source in (attribution.source for attribution in found):
        rows.append(row := None if source is None else _resolve(context, source))
        if row is not None and row.kind != "unattributed":  # an unnamed one goes by its first description
            context.said.append(_Mention(source.start, row.kind, row.name or source.text.split(",")[0], row.node))
    return _merge(found, rows, context.links, people, titled)


@dataclass(slots=True)
class _Context:
    doc: Doc
    lexicon: Lexicon
    people: _People
    ner: list[_Mention]
    ner_offsets: list[int]
    said: list[_Mention]  # source mentions so far, in the order resolved
    links: _Links
    breaks: list[int]  # offsets of the line breaks, i.e. of paragraph ends


def _resolve(context: _Context, source: Source, depth: int = 0) -> _Row:
    lexicon, people, links = context.lexicon, context.people, context.links
    node = f"span:{source.start}:{source.end}"
    kind, name, plural = classify_source(context.doc, source, lexicon)
    if kind == "possessed" and depth == 0:
        span = context.doc.char_span(source.start, source.end, alignment_mode="expand")
        owner, head = _possessor(span)
        first_person = owner.text.lower() in ("our", "my")  # "our sources": the outlet's, unnamed
        mine = _Row("unattributed", None, "") if first_person else _resolve(context, owner, depth + 1)
        row = _Row("unnamed_group" if plural or head.split()[-1].lower() in _COLLECTIVE else "anonymous", None, node)
        if mine.kind != "unattributed":
            row.owner, row.owner_name, row.head = mine.node, mine.name, head
        if lemma(span.root).lower() not in lexicon.organization_words:
            return row
        if mine.kind in ("person", "official"):
            row.kind = "organization"  # "Whitfield's office": her office, not Whitfield herself
            return row
        kind, name, plural = classify_source(context.doc, source, lexicon, possessed=False)  # "Russia's army"
    if kind == "possessed":
        kind = "anonymous"
    if kind in ("pronoun", "description"):
        match = _antecedent(context, source, kind, plural)
        if match is not None:
            links.union(node, match.node)
            person = match.node[len("person:") :] if match.node.startswith("person:") else None
            return _Row(match.kind, people.shown.get(person, match.name) if person else match.name, node, person)
        if kind == "description":
            head = source.text.lower().split(",")[0].split()[-1]
            return _Row(("organization" if head in lexicon.organization_words else "anonymous"), None, node)
        return _Row("unattributed", None, node)
    return _named(context, source, node, kind, name)


def _named(context: _Context, source: Source, node: str, kind: str, name: str | None) -> _Row:
    """A source that names itself: linked to the person or organization of that name in the article."""
    lexicon, people, links = context.lexicon, context.people, context.links
    if kind in ("person", "official") and name:
        key = people.key(name, source.start)
        if key is not None:
            links.union(node, "person:" + key)
            return _Row(kind, people.shown.get(key, name), node, key)
    elif kind in ("organization", "government", "unattributed") and source.text.lower() not in lexicon.government_names:
        # A surname the recogniser took for an organization or a place, or missed: the person it names here.
        key = people.key(name or source.text, source.start, full_only=True)
        if key is not None and len(people.words(name or source.text)) <= 4:
            links.union(node, "person:" + key)
            roles = any(w.strip(".,").lower() in lexicon.roles for w in source.text.split())
            return _Row("official" if roles else "person", people.shown.get(key), node, key)
    if name and kind in ("organization", "government", "outlet"):
        links.union(node, "name:" + _name_key(name))
    return _Row(kind, name, node)


def _antecedent(context: _Context, source: Source, kind: str, plural: bool) -> _Mention | None:
    """The most recently resolved earlier source of a compatible kind (for a pronoun, a person's full name in a
    later paragraph before it: "Tomas Brevik was charged. His lawyer said"), else the nearest PERSON or ORG
    entity; a description with its own modifiers ("the port authority") only one that shares its head."""
    wanted = _wanted_kinds(source.text.lower(), plural, context.lexicon)
    words = source.text.lower().split(",")[0].split()
    head = words[-1] if kind == "description" and len(words) > 2 else None
    start = source.start

    def fits(mention: _Mention) -> bool:
        return mention.offset < start and mention.kind in wanted and (head is None or head in mention.name.lower())

    match = next((m for m in islice(reversed(context.said), LOOKBACK) if fits(m)), None)
    stop = bisect_left(context.ner_offsets, start)
    entity = next((m for m in reversed(context.ner[max(stop - LOOKBACK, 0) : stop]) if fits(m)), None)
    if match is None or (kind == "pronoun" and entity is not None and _later(context, match, entity)):
        return entity
    return match


def _later(context: _Context, source: _Mention, entity: _Mention) -> bool:  # a full name, a paragraph on
    paragraphs = bisect_left(context.breaks, source.offset) < bisect_left(context.breaks, entity.offset)
    return paragraphs and entity.node.startswith("person:") and " " in entity.node


def _merge(
    found: list[Attribution], rows: list[_Row | None], links: _Links, people: _People, titled: set[str]
) -> list[Attribution]:
    owners = {i: links.find(row.owner) for i, row in enumerate(rows) if row is not None and row.owner is not None}
    for i, owner in owners.items():
        links.union(rows[i].node, f"poss:{owner}:{rows[i].head.lower()}")
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row is not None:
            groups.setdefault(links.find(row.node), []).append(i)
    kinds, names = {}, {}
    for root, members in groups.items():
        members.sort(key=lambda i: found[i].source.start)
        evidence = {rows[i].kind for i in members} | {"official" for i in members if rows[i].person in titled}
        kinds[root] = min(evidence, key=KIND_PRECEDENCE.index)
        names[root] = _group_name(kinds[root], [rows[i] for i in members], found, members, people)
    for root, members in groups.items():  # a possessed noun takes its owner's merged name: "Dana Whitfield's"
        row = next((rows[i] for i in members if rows[i].owner is not None), None)
        if row is not None and names[root] is None:
            owner = names.get(links.find(row.owner)) or row.owner_name
            names[root] = f"{_POSSESSIVE.sub('', owner)}'s {row.head}" if owner else None
    numbered = sorted((found[m[0]].source.start, root) for root, m in groups.items() if kinds[root] != "unattributed")
    number = {root: n for n, (_, root) in enumerate(numbered)}
    roots = [None if row is None else links.find(row.node) for row in rows]
    return [
        a
        if root is None
        else replace(a, source=replace(a.source, kind=kinds[root], name=names[root], entity=number.get(root)))
        for a, root in zip(found, roots, strict=True)
    ]


def _group_name(kind: str, rows: list[_Row], found, members: list[int], people: _People) -> str | None:
    """Person: the fullest form of the name; organization, outlet, government: the first name written; an
    unnamed source: its first description where it has several mentions (a possessed one: see `_merge`)."""
    if kind in ("person", "official"):
        shown = [people.shown.get(row.person) or row.name for row in rows if row.person or row.name]
        return max(shown, key=lambda name: len(name.split()), default=None)
    if kind in ("outlet", "government", "organization"):
        return next((row.name for row in rows if row.name), None)
    several = len({(found[i].source.start, found[i].source.end) for i in members}) > 1
    unowned = kind != "unattributed" and all(row.owner is None for row in rows)
    return found[members[0]].source.text.split(",")[0] if several and unowned else None


def _name_key(name: str) -> str:
    return " ".join(_POSSESSIVE.sub("", re.sub(r"^the\s+", "", name.strip().casefold())).split())


def _titled(doc: Doc, entity, lexicon: Lexicon) -> str:
    """ "official" when a PERSON entity carries a role (in its words, the three words before it in its
    sentence, or an apposition: "Dana Whitfield, the harbour commissioner"), else "person"."""
    words = {t.lower_ for t in doc[max(entity.sent.start, entity.start - 3) : entity.end]}
    words.update(t.lower_ for child in entity.root.children if child.dep_ == "appos" for t in child.subtree)
    return "official" if words & lexicon.roles else "person"


def _wanted_kinds(text: str, plural: bool, lexicon: Lexicon) -> set[str]:
    head = text.split()[-1] if text.split() else text
    if head in _PERSON_PRONOUNS or head in ("who", "his"):
        return {"person", "official", "anonymous"}
    if head in ("they", "them", "their", "its"):
        return {"unnamed_group", "organization", "government", "outlet"}
    if head in lexicon.anonymous_nouns or head in lexicon.roles:
        return {"anonymous", "official", "person"}
    if head in _ORGANIZATION_HEADS:
        return {"organization"}
    if head in lexicon.outlet_words:
        return {"outlet"}
    return {"organization", "government", "outlet", "person", "official"}


def classify_source(doc: Doc, source: Source, lexicon: Lexicon, possessed: bool = True) -> tuple[str, str | None, bool]:
    """(kind, name, plural) for a source span; kind "pronoun", "description" or "possessed" (a role noun with
    a possessor: "her lawyer", "Whitfield's office") asks for resolution; `possessed=False` reads the span as
    if it had no possessor."""
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "unattributed", None, False
    lowered = source.text.lower()
    words = re.findall(r"[\w'’.-]+", lowered)
    root = span.root
    head = root.lower_
    head_lemma = lemma(root).lower()
    plural = root.tag_ in ("NNS", "NNPS") or head in _PLURAL_PRONOUNS
    entities = _entities_within(doc, source.start, source.end)
    # The small model sometimes tags a plural common noun ("Photographs") as a person: require a proper noun.
    persons = [e for e in entities if e.label_ == "PERSON" and e.root.pos_ == "PROPN"]
    orgs = [e for e in entities if e.label_ in ("ORG",)]
    places = [e for e in entities if e.label_ in ("GPE",)]
    anonymous_marker = any(marker in lowered for marker in lexicon.anonymity) or any(
        word in lexicon.anonymous_words for word in words
    )
    if len(span) == 1 and (root.pos_ == "PRON" or head in _RELATIVE):
        return "pronoun", None, plural
    extra = _entity_words()
    owner = next((c for c in root.children if c.dep_ == "poss"), None) if root.pos_ == "NOUN" and possessed else None
    if lowered.startswith(extra["own_outlet_phrases"]) or (
        owner is not None and owner.lower_ == "our" and head_lemma in extra["own_outlet_nouns"]
    ):
        return "outlet", OWN_OUTLET, plural
    if owner is not None:
        inside = range(owner.left_edge.i, owner.right_edge.i + 1)
        outside = [e for e in persons if e.root.i not in inside]
        human = head_lemma in lexicon.anonymous_nouns or bool(extra["representative_nouns"] & {head, head_lemma})
        personal = owner.lower_ in ("his", "her") or owner.pos_ == "PROPN"  # checked once the owner is known
        if outside:
            persons = outside  # "Brevik's lawyer, Ana Reyes": the lawyer, named
        elif human or head in lexicon.roles or (head_lemma in lexicon.organization_words and personal):
            return "possessed", None, plural
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


def _possessor(span) -> tuple[Source, str]:
    """The possessor of a possessed source ("the minister" in "the minister's aide", without "'s") and the
    possessed words up to the head ("aide")."""
    root, doc = span.root, span.doc
    owner = next(child for child in root.children if child.dep_ == "poss")
    tokens = [t for t in owner.subtree if not (t.dep_ == "case" and t.head == owner)] or [owner]
    owned = doc[tokens[0].i : tokens[-1].i + 1]
    head = doc[owner.right_edge.i + 1 : root.i + 1].text or root.text
    return Source(owned.start_char, owned.end_char, owned.text, "unattributed"), head


def _entities_within(doc: Doc, start: int, end: int) -> list:
    """The entities inside [start, end), found by bisection over the entities' starts (kept per document)."""
    starts = doc.user_data.get("newsaudit_ent_starts")
    if starts is None:
        starts = doc.user_data["newsaudit_ent_starts"] = [e.start_char for e in doc_entities(doc)]
    entities = doc_entities(doc)[bisect_left(starts, start) : bisect_left(starts, end)]
    return [entity for entity in entities if entity.end_char <= end]


def _partitive_noun(root: Token) -> Token | None:
    """The noun a partitive head picks from: "officials" in "one of the officials"."""
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    return None


def _is_outlet(lowered: str, lexicon: Lexicon) -> bool:
    words = set(re.findall(r"[\w+]+", lowered))
    return bool(words & lexicon.outlet_words) or any(" " in w and w in lowered for w in lexicon.outlet_words)
