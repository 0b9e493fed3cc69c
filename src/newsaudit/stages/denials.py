"""Denials and contradictions, linked to the earlier statements they dispute.

- `denial`: an attribution whose cue is a denial verb ("denied", "dismissed", "rejected", "played down"),
  with its source and its object ("the claims", "the reports of a buildup of troops").
- `downplay`: a statement that denies or minimises without a denial verb ("only a consultative role",
  "there is no truth to", "baseless").
- `contradiction`: two sources at odds in one sentence ("X says A, but Y say B").

What a denial disputes is found by matching: a specific object ("the reports of a buildup of Iranian forces")
is matched on its content words against the earlier statements of the article; a loose one ("the claims",
"the reports") falls back to the attributed statements just before it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from newsaudit.resources import package_text
from newsaudit.schema import Attribution, Denial, Sentence, Span
from newsaudit.stages.registry import Context, stage

# A statement a denial can dispute says something: a phrase such as "intelligence matters" does not.
_MIN_CLAIM_WORDS = 6
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_CONTRAST = re.compile(r"\b(but|while|whereas|however|though|although|yet)\b", re.IGNORECASE)
# Function words and reporting vocabulary that say nothing about what a statement is about.
_STOP = frozenset(
    (
        "the a an of to in on at for from by with and or but that this these those it its their his her they "
        "he she we you i is are was were be been being have has had do does did not no as into about over "
        "than then there also which who whom whose what when where while would will can could may might "
        "should said say says told reported reports report claims claim according officials official however "
        "some any all more most other"
    ).split()
)


@dataclass(frozen=True, slots=True)
class DenialLexicon:
    verbs: frozenset[str]
    claim_nouns: frozenset[str]
    phrases: tuple[re.Pattern[str], ...]

    @classmethod
    @cache
    def default(cls) -> DenialLexicon:
        data = tomllib.loads(package_text("lexicons/attribution.toml"))
        return cls(
            verbs=frozenset(data["cues"]["denial"]),
            claim_nouns=frozenset(data["denials"]["claim_nouns"]),
            phrases=tuple(re.compile(rf"\b{p}\b", re.IGNORECASE) for p in data["denials"]["phrases"]),
        )


@stage("denials", requires=("sentences", "attributions"), assigns=("denials",))
def denials(context: Context) -> dict[str, Any]:
    """Denials, downplays and contradictions, each with what it disputes."""
    found = find_denials(
        context.article.text, context.findings["sentences"], context.findings["attributions"], DenialLexicon.default()
    )
    return {"denials": found}


def find_denials(
    text: str, sentences: tuple[Sentence, ...], attributions: tuple[Attribution, ...], lexicon: DenialLexicon
) -> tuple[Denial, ...]:
    found: list[Denial] = []
    for attribution in attributions:
        if attribution.cue_lemma in lexicon.verbs:
            target = attribution.content
            disputes = _disputed(text, target, attribution, sentences, attributions, lexicon)
            found.append(Denial(attribution.cue, "denial", attribution.sentence, attribution.source, target, disputes))
        elif attribution.content is not None and attribution.type != "introduced":
            for pattern in lexicon.phrases:
                match = pattern.search(text, attribution.content.start, attribution.content.end)
                if match and not any(d.cue.start == match.start() for d in found):
                    cue = Span.of(text, match.start(), match.end())
                    target = attribution.content
                    disputes = _disputed(text, target, attribution, sentences, attributions, lexicon)
                    found.append(Denial(cue, "downplay", attribution.sentence, attribution.source, target, disputes))
                    break
    found.extend(_contradictions(text, attributions))
    found.sort(key=lambda denial: denial.cue.start)
    return tuple(found)


def _disputed(
    text: str,
    target: Span | None,
    denial: Attribution,
    sentences: tuple[Sentence, ...],
    attributions: tuple[Attribution, ...],
    lexicon: DenialLexicon,
) -> tuple[Span, ...]:
    """The earlier statements a denial disputes (at most three, best match first)."""
    earlier = [s for s in sentences if s.end <= denial.cue.start and not (s.start <= denial.cue.start < s.end)]
    if not earlier:
        return ()
    keywords = _keywords(target.text) - lexicon.claim_nouns if target is not None else set()
    if keywords:
        scored = []
        for sentence in earlier:
            words = _keywords(sentence.text)
            overlap = len(keywords & words)
            if overlap >= 2 or (overlap and overlap == len(keywords)):
                scored.append((overlap / len(keywords), sentence.start, sentence))
        if scored:
            scored.sort(key=lambda item: (-item[0], -item[1]))
            best = scored[0][0]
            return tuple(_as_span(s) for score, _, s in scored[:3] if score >= best * 0.6)
    # A loose object ("the claims"): the attributed statements in the few sentences before the denial.
    recent = [
        a.content
        for a in attributions
        if a.content is not None
        and len(a.content.text.split()) >= _MIN_CLAIM_WORDS
        and a.sentence in range(denial.sentence - 3, denial.sentence)
        and a.cue_lemma not in lexicon.verbs
        and a.type != "introduced"
    ]
    if recent:
        return tuple(reversed(recent[-2:]))
    return (_as_span(earlier[-1]),)


def _contradictions(text: str, attributions: tuple[Attribution, ...]) -> list[Denial]:
    """Two attributions in one sentence, from different sources, joined by a contrast."""
    found = []
    by_sentence: dict[int, list[Attribution]] = {}
    for attribution in attributions:
        if attribution.source is not None and attribution.content is not None and attribution.type != "introduced":
            by_sentence.setdefault(attribution.sentence, []).append(attribution)
    for group in by_sentence.values():
        for first, second in pairwise(group):
            if _same_source(first, second):
                continue
            between_start = min(first.cue.end, first.content.end, first.source.end)
            between_end = max(second.source.start, second.cue.start) if second.source else second.cue.start
            gap = text[between_start:between_end] if between_start < between_end else ""
            if not _CONTRAST.search(gap):
                continue
            found.append(
                Denial(second.cue, "contradiction", second.sentence, second.source, second.content, (first.content,))
            )
    return found


def _same_source(a: Attribution, b: Attribution) -> bool:
    names = (a.source.name or a.source.text).lower(), (b.source.name or b.source.text).lower()
    return names[0] == names[1]


def _keywords(text: str) -> set[str]:
    # A crude stem (the first four letters) lets "Iranian" meet "Iran's" and "deployed" meet "deployment".
    return {word.lower()[:4] for word in _WORD.findall(text) if word.lower() not in _STOP and len(word) > 2}


def _as_span(sentence: Sentence) -> Span:
    return Span(sentence.start, sentence.end, sentence.text)
