"""Hedges: markers of uncertainty and distance ("reportedly", "may", "so-called", "could not be independently
verified", "nearly 1,000") with the span of text each one weakens.

Kinds (lexicon `lexicons/attribution.toml`, section `hedges`): `reportive` (the writer passes on what others
report), `epistemic` (possibility, likelihood, expectation), `distancing` (the writer keeps a label at arm's
length), `unverified` (the writer says it could not be checked) and `approximation` (a number given loosely).
Scope: for an adverb, modal or hedging verb, the clause of the verb it modifies; for an adjective, its noun
phrase; for an approximator, the number phrase; for a multi-word phrase, its sentence.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from newsaudit.nlp import doc_text, lemma
from newsaudit.resources import package_text
from newsaudit.schema import Hedge, Span
from newsaudit.stages.registry import Context, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


@dataclass(frozen=True, slots=True)
class HedgeLexicon:
    words: dict[str, str]  # lower-case word -> kind
    modals: dict[str, str]
    verbs: dict[str, str]  # lemma -> kind
    phrases: re.Pattern[str]  # every phrase in one alternation, longest first
    phrase_kinds: dict[str, str]  # lower-case phrase -> kind
    approximation: re.Pattern[str]  # an approximator followed by a number, on lower-cased text

    @classmethod
    @cache
    def default(cls) -> HedgeLexicon:
        return cls.from_toml(package_text("lexicons/attribution.toml"))

    @classmethod
    def from_toml(cls, text: str) -> HedgeLexicon:
        sections = tomllib.loads(text)["hedges"]
        words, modals, verbs, phrase_kinds = {}, {}, {}, {}
        for kind, section in sections.items():
            if kind == "approximation":
                continue
            words.update({word: kind for word in section.get("words", []) if " " not in word})
            modals.update({word: kind for word in section.get("modals", [])})
            verbs.update({word: kind for word in section.get("verbs", [])})
            phrase_kinds.update({phrase.lower(): kind for phrase in section.get("phrases", [])})
        approximators = tuple(sorted(sections["approximation"]["words"], key=len, reverse=True))
        alternatives = "|".join(re.escape(word) for word in approximators)
        approximation = re.compile(rf"\b(?P<word>{alternatives})\s+(?=[\d$€£]|{_NUMBER_WORDS})")
        alternation = "|".join(re.escape(phrase) for phrase in sorted(phrase_kinds, key=len, reverse=True))
        phrases = re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)
        return cls(words, modals, verbs, phrases, phrase_kinds, approximation)


@stage("hedges", requires=("sentences",), assigns=("hedges",))
def hedges(context: Context) -> dict[str, Any]:
    """Every hedge in the article; the English pipeline is needed for modals and scopes."""
    if not context.english:
        return {"hedges": ()}
    return {"hedges": find_hedges(context.doc, HedgeLexicon.default())}


def find_hedges(doc: Doc, lexicon: HedgeLexicon) -> tuple[Hedge, ...]:
    text = doc_text(doc)
    found: list[Hedge] = []
    covered: set[int] = set()
    for index, sentence in enumerate(doc.sents):
        # Phrases first: they are the most specific ("could not be verified" is not a modal hedge).
        for match in lexicon.phrases.finditer(text, sentence.start_char, sentence.end_char):
            if not covered.isdisjoint(range(match.start(), match.end())):
                continue
            covered.update(range(match.start(), match.end()))
            kind = lexicon.phrase_kinds[match.group().lower()]
            tokens = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if tokens is not None and len(tokens) and tokens[-1].dep_ == "amod":
                scope = _scope(tokens[-1], kind)  # "so-called X": the noun phrase it labels
            else:
                scope = _trimmed(text, sentence.start_char, sentence.end_char)
            found.append(Hedge(Span.of(text, match.start(), match.end()), kind, scope, index))
        for token in sentence:
            if token.idx in covered:
                continue
            kind = _token_kind(token, lexicon)
            if kind is not None:
                covered.update(range(token.idx, token.idx + len(token.text)))
                cue = Span.of(text, token.idx, token.idx + len(token.text))
                found.append(Hedge(cue, kind, _scope(token, kind), index))
    found.extend(_approximations(doc, [sentence.start_char for sentence in doc.sents], lexicon, covered))
    found.sort(key=lambda hedge: hedge.cue.start)
    return tuple(found)


def _token_kind(token: Token, lexicon: HedgeLexicon) -> str | None:
    lowered = token.lower_
    if lowered in lexicon.words:
        return lexicon.words[lowered]
    if token.tag_ == "MD" and lowered in lexicon.modals:
        return lexicon.modals[lowered]
    if token.pos_ == "VERB" and any(child.dep_ in ("xcomp", "ccomp") for child in token.children):
        return lexicon.verbs.get(lemma(token).lower())
    return None


def _scope(token: Token, kind: str) -> Span:
    text = doc_text(token.doc)
    if token.pos_ == "ADJ" or token.dep_ == "amod":
        head = token.head if token.dep_ == "amod" else token
        tokens = list(head.subtree)
    else:
        verb = token
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.tag_ == "MD" and verb.head.i != verb.i:
            verb = verb.head
        tokens = list(verb.subtree)
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    sentence = token.sent
    return _trimmed(text, max(start, sentence.start_char), min(end, sentence.end_char))


_NUMBER_WORDS = (
    r"(?:a |one |two |three |several )?(?:hundred|thousand|million|billion|dozen|half|third|quarter)"
    r"|(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|sixty|seventy|eighty|ninety)\b"
)


def _approximations(doc: Doc, sentence_starts: list[int], lexicon: HedgeLexicon, covered: set[int]) -> list[Hedge]:
    """ "nearly 1,000 miles", "about 300 residents"; "hundreds, rather than thousands" is not one."""
    text = doc_text(doc)
    found = []
    for match in lexicon.approximation.finditer(text.lower()):
        start, end = match.start(), match.start() + len(match.group("word"))
        if not covered.isdisjoint(range(start, end)):
            continue
        covered.update(range(start, end))
        sentence_index = bisect_right(sentence_starts, start) - 1
        sentence_end = sentence_starts[sentence_index + 1] if sentence_index + 1 < len(sentence_starts) else len(text)
        number = doc.char_span(end + 1, min(end + 40, sentence_end), alignment_mode="expand")
        scope_end = end
        if number is not None:
            for token in number:
                if token.like_num or token.pos_ in ("NUM", "NOUN", "SYM") or token.lower_ in ("a", "one"):
                    scope_end = token.idx + len(token.text)
                else:
                    break
        found.append(Hedge(Span.of(text, start, end), "approximation", Span.of(text, start, scope_end), sentence_index))
    return found


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
        end -= 1
    return Span.of(text, start, end)
