"""Claims across a story: which other articles carry each of this article's claims, and which deny it.

Another article *carries* a claim when one of its sentences says the same thing in its own words: the static
sentence embeddings of claim and sentence are close (cosine ≥ `CARRY_SIMILARITY`) and the facts agree — when
the claim has numbers the sentence shares one of them or has none, and when the claim names someone or somewhere
(capitalised words inside the sentence) the sentence names one of them too. It *denies* the claim when that
sentence (or, failing one close enough, a close sentence above `DENY_SIMILARITY` whose facts agree) carries a
denial cue from the denial lexicon (deny, reject, dismiss, refute…, in any form; "no truth to") or the claim ↔
headline stance model reads a very close sentence as `against`. The thresholds are set, not fitted: no labelled
set pairs claims with the sentences of other articles.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from newsaudit.models.claim_stance import ClaimStance
from newsaudit.models.embeddings import Embedder
from newsaudit.schema import Span
from newsaudit.stages.denials import DenialLexicon

CARRY_SIMILARITY = 0.72
DENY_SIMILARITY = 0.65
AGAINST_PROBABILITY = 0.7
#: The stance model alone marks a denial only for a sentence this close to the claim (its training texts are
#: headlines about the claim, not any sentence of an article).
MODEL_SIMILARITY = 0.8
_SENTENCE = re.compile(r"[^\s][^.!?\n]*(?:[.!?]+[\"”’']?|$)")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_WORD = re.compile(r"[^\W_]+")
_MIN_WORDS = 4
_PREVIEW = 240


@dataclass(frozen=True, slots=True)
class Other:
    """Another member of the story, with its text."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Found:
    """One other article's treatment of one claim: its sentence, similarity and stance."""

    article: str
    span: Span
    similarity: float
    stance: str


def sentence_spans(text: str) -> list[Span]:
    """Rough sentences of a stored text (no parse: these articles have none), with at least `_MIN_WORDS` words."""
    spans = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group(0).rstrip()
        if len(_WORD.findall(chunk)) >= _MIN_WORDS:
            spans.append(Span(match.start(), match.start() + len(chunk), chunk))
    return spans


def _numbers(text: str) -> set[str]:
    return {number.replace(",", "") for number in _NUMBER.findall(text)}


def _names(text: str) -> set[str]:
    words = _WORD.findall(text)
    return {word.lower() for index, word in enumerate(words) if index and word[:1].isupper() and len(word) > 1}


def facts_agree(claim: str, sentence: str) -> bool:
    """The sentence does not contradict the claim's numbers and shares one of its names, when it has any."""
    numbers, theirs = _numbers(claim), _numbers(sentence)
    if numbers and theirs and not numbers & theirs:
        return False
    names = _names(claim)
    return not names or bool(names & (_names(sentence) | {w.lower() for w in _WORD.findall(sentence)}))


def inflections(verb: str) -> set[str]:
    """A denial verb's forms: "deny" → deny, denies, denied, denying; "refute" → refutes, refuted, refuting."""
    forms = {verb, verb + "s", verb + "ing", verb + "ed"}
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    return forms


@cache
def _denial_words() -> frozenset[str]:
    return frozenset(form for verb in DenialLexicon.default().verbs for form in inflections(verb.lower()))


def has_denial_cue(sentence: str) -> bool:
    """A denial verb in any of its forms, or one of the lexicon's denial phrases."""
    words = _denial_words()
    if any(word.lower() in words for word in _WORD.findall(sentence)):
        return True
    return any(pattern.search(sentence) for pattern in DenialLexicon.default().phrases)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


_SENTENCE_CACHE: dict[tuple[int, str], tuple[list[Span], np.ndarray]] = {}
_CACHE_TEXTS = 512


def _sentences_of(text: str, embedder: Embedder) -> tuple[list[Span], np.ndarray]:
    """A stored text's sentences and their unit embeddings, kept for the last `_CACHE_TEXTS` texts: the articles
    of one story are read again for every member audited."""
    key = (id(embedder), text)
    if key not in _SENTENCE_CACHE:
        spans = sentence_spans(text)
        vectors = _unit(embedder.encode([span.text for span in spans])) if spans else np.zeros((0, 1))
        if len(_SENTENCE_CACHE) >= _CACHE_TEXTS:
            _SENTENCE_CACHE.pop(next(iter(_SENTENCE_CACHE)))
        _SENTENCE_CACHE[key] = (spans, vectors)
    return _SENTENCE_CACHE[key]


def compare(
    claims: Sequence[str], others: Sequence[Other], embedder: Embedder, stance: ClaimStance | None = None
) -> list[list[Found]]:
    """For each claim, the other articles that carry or deny it (at most one sentence per article)."""
    if not claims or not others:
        return [[] for _ in claims]
    spans: list[tuple[int, Span]] = []
    blocks = []
    for index, other in enumerate(others):
        found_spans, vectors = _sentences_of(other.text, embedder)
        spans.extend((index, span) for span in found_spans)
        blocks.append(vectors)
    if not spans:
        return [[] for _ in claims]
    claim_vectors = _unit(embedder.encode(list(claims)))
    similarity = claim_vectors @ np.concatenate(blocks).T
    owner = np.asarray([index for index, _ in spans])
    result: list[list[Found]] = []
    for c, claim in enumerate(claims):
        found: list[Found] = []
        for index, other in enumerate(others):
            columns = np.flatnonzero(owner == index)
            best = columns[np.argsort(-similarity[c, columns], kind="stable")]
            chosen = next((j for j in best[:5] if similarity[c, j] >= CARRY_SIMILARITY
                           and facts_agree(claim, spans[j][1].text)), None)  # fmt: skip
            if chosen is None:
                chosen = next(
                    (
                        j
                        for j in best[:5]
                        if similarity[c, j] >= DENY_SIMILARITY
                        and has_denial_cue(spans[j][1].text)
                        and facts_agree(claim, spans[j][1].text)
                    ),
                    None,
                )
                if chosen is None:
                    continue
            span = spans[chosen][1]
            denies = has_denial_cue(span.text)
            if not denies and stance is not None and similarity[c, chosen] >= MODEL_SIMILARITY:
                denies = float(stance.predict(claim, span.text)["probabilities"]["against"]) >= AGAINST_PROBABILITY
            preview = span.text if len(span.text) <= _PREVIEW else span.text[: _PREVIEW - 1].rstrip() + "…"
            found.append(Found(other.id, Span(span.start, span.end, preview), round(float(similarity[c, chosen]), 4),
                               "denies" if denies else "carries"))  # fmt: skip
        result.append(found)
    return result
