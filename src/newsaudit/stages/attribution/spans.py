"""Character spans of the parts of an attribution: the cue verb with its auxiliaries (`cue_span`), the source
phrase (`source_span`: appositions and relative clauses kept, a participial aside and a leading dateline left
out, never running across its cue), a content from its tokens (`span_of`), each trimmed of edge punctuation
(`trim_span`); the role tagger's trim of a source's edges (`trim_source`); and the small span tests the rules
share (`overlap`, `inside`, `is_quoted`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from newsaudit.models.roles import SOURCE
from newsaudit.nlp import doc_text
from newsaudit.schema import Attribution, Source, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_QUOTES = "\"“”‘’'«»„"
_TRIM = " \t\n,;:—–-"
#: The parts of speech a speaker (a source's head) can have.
NOUN_LIKE = ("NOUN", "PROPN", "PRON")


def cue_span(verb: Token) -> Span:
    """The cue verb with its auxiliaries, negation and particle ("has said", "did not deny", "played down")."""
    parts = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt") and abs(c.i - verb.i) <= 3]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    return Span.of(doc_text(verb.doc), start, end)


def source_span(subject: Token, cue: Token | None = None) -> Source:
    """The subject's whole phrase (appositions and "who spoke on condition of anonymity" included), but not
    a relative or participial clause that contains the cue itself, nor a participial aside set off by a comma."""
    nested = cue is not None and cue.i != subject.i and subject.is_ancestor(cue)
    excluded = {t.i for t in cue.subtree} if nested else set()
    doc = subject.doc
    for child in subject.children:
        aside = child.i > subject.i and doc[child.left_edge.i - 1].text == ","
        if aside and child.dep_ == "acl" and child.tag_ == "VBG":
            # "The mayor, speaking to reporters on Friday, said …": a participial aside describes the moment,
            # not the source (PolNeAR leaves it out; relative clauses and appositions it keeps).
            excluded |= {t.i for t in child.subtree}
    kept = {t.i for t in subject.subtree} - excluded
    tokens = subject.doc[min(kept) : max(kept) + 1]
    across = cue is not None and tokens.start < cue.i < tokens.end and cue.i not in kept
    if excluded or across:
        # Keep the contiguous run around the subject's head: without the excluded clauses, and without a part
        # the parse attached across the cue ("Four senators object to it: Sens. A, B and C", the list hung
        # from "senators").
        left = right = subject.i
        while left - 1 in kept:
            left -= 1
        while right + 1 in kept:
            right += 1
        tokens = subject.doc[left : right + 1]
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    span = trim_span(doc_text(subject.doc), Span.of(doc_text(subject.doc), start, end))
    speaker = _after_dateline(span, cue) if cue is not None else None
    if speaker is not None:
        return source_span(speaker, cue)
    text = doc_text(subject.doc)
    dateline = _DATELINE.match(span.text) if span.start == 0 or text[span.start - 1] == "\n" else None
    if dateline is not None and dateline.end() < len(span.text):
        span = Span.of(text, span.start + dateline.end(), span.end)  # "CITY (Agency) — The mayor"
    return Source(span.start, span.end, span.text, "unattributed")


# A dateline opening a paragraph ("CITY (Agency) — "), the dash after one, and a dateline's capitalised start.
_DATELINE = re.compile(r"[A-Z]{3,}[^\n—–]{0,40}?\s(?:—|–|--|-)\s+")
_DATELINE_DASH = re.compile(r"\s*(?:—|–|--|-)\s+")
_DATELINE_START = re.compile(r"[A-Z]{3,}")


def _after_dateline(span: Span, cue: Token) -> Token | None:
    """The noun phrase after a dateline that the parse took for the subject: "CITY (Agency) — The mayor
    said …" gives the mayor, not the city."""
    doc = cue.doc
    text = doc_text(doc)
    dash = _DATELINE_DASH.match(text, span.end)
    if dash is None or not (span.start == 0 or text[span.start - 1] == "\n") or not _DATELINE_START.match(span.text):
        return None
    following = next((t for t in cue.sent if t.idx >= dash.end()), None)
    if following is None:
        return None
    while following.dep_ in ("compound", "det", "amod", "nummod", "poss") and following.head.i > following.i:
        following = following.head
    if following.pos_ not in NOUN_LIKE or following.i >= cue.i or following.idx < span.end:
        return None
    return following


def span_of(doc: Doc, tokens: list[Token]) -> Span | None:
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    span = trim_span(doc_text(doc), Span.of(doc_text(doc), start, end))
    return span if span.start < span.end else None


def trim_span(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span.of(text, start, end)


def inside(source: Source, content: Span) -> bool:
    return content.start <= source.start and source.end <= content.end


def is_quoted(text: str, span: Span) -> bool:
    before = text[max(0, span.start - 2) : span.start + 1]
    after = text[max(span.start, span.end - 2) : span.end + 2]
    return any(q in before for q in _QUOTES) and any(q in after for q in _QUOTES)


#: Left dependents of a source's head that belong to its name or noun phrase, never trimmed off.
_SOURCE_PHRASE_DEPS = frozenset({"det", "compound", "amod", "nummod", "poss", "nmod", "case"})


def trim_source(doc: Doc, attribution: Attribution, roles: Any, threshold: float) -> Attribution:
    """Cut the tokens at either edge of a source that the role tagger gives less than `threshold` as source
    ("Sanders, who has made rebuilding the middle class a rallying cry," -> "Sanders"), never its head nor the
    words of its noun phrase before the head ("The harbour authority")."""
    source = attribution.source
    if source is None or attribution.type == "introduced" or attribution.cue_lemma == ":":
        return attribution
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return attribution
    root = span.root
    head = root.i
    protected = {t.i for child in root.lefts if child.dep_ in _SOURCE_PHRASE_DEPS for t in child.subtree}
    start, end = span.start, span.end - 1
    while start < head and start not in protected and (roles[start, SOURCE] < threshold or doc[start].is_space):
        start += 1
    while end > head and (roles[end, SOURCE] < threshold or doc[end].is_space):
        end -= 1
    if start == span.start and end == span.end - 1:
        return attribution
    text = doc_text(doc)
    begin, finish = doc[start].idx, doc[end].idx + len(doc[end].text)
    return replace(attribution, source=Source(begin, finish, text[begin:finish], source.kind, source.name))


def overlap(a: Span | Source | None, b: Span | Source | None) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end
