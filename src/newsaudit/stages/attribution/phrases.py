"""Cues that are no word in a frame, rules 2 and 3 of the stage: "according to X" and its kin
(`according_to`), a paragraph "X reports:" that scopes over the paragraphs after it (`introduced`), and
"Speaker: what they say" colons (`speaker_colon`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_text
from newsaudit.schema import Attribution, Source, Span
from newsaudit.stages.attribution.lexicon import Lexicon
from newsaudit.stages.attribution.spans import NOUN_LIKE, source_span, span_of, trim_span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

_ACCORDING_FIRST_WORDS = frozenset({"according", "as", "in"})


def according_to(token: Token, sentence: int, lexicon: Lexicon) -> Attribution | None:
    if token.lower_ not in _ACCORDING_FIRST_WORDS:
        return None
    doc = token.doc
    text_after = doc_text(doc)[token.idx : token.idx + 24].lower()
    phrase = next((p for p in lexicon.according_to if text_after.startswith(p)), None)
    if phrase is None:
        return None
    cue_end_char = token.idx + len(phrase)
    cue_tokens = [t for t in doc[token.i : token.i + 4] if t.idx < cue_end_char]
    last = cue_tokens[-1]
    objects = [t for t in last.children if t.dep_ == "pobj"] or [t for t in last.subtree if t.dep_ == "pobj"]
    if not objects:
        return None
    source_token = objects[0]
    source = source_span(source_token)
    phrase_head = token
    clause = phrase_head.head if phrase_head.head.i != phrase_head.i else None
    content = None
    if clause is not None:
        phrase_tokens = {t.i for t in phrase_head.subtree}
        kept = [t for t in clause.subtree if t.i not in phrase_tokens]
        content = span_of(doc, kept) if kept else None
    cue = Span.of(doc_text(doc), token.idx, cue_end_char)
    return Attribution(
        cue=cue, cue_lemma=phrase, type="according_to", sentence=sentence, source=source, content=content
    )


_INTRODUCTION = re.compile(
    r"^(?P<source>[A-Z][^:\n]{1,80}?)\s+(?P<cue>reports|reported|writes|wrote|says|said|"
    r"notes|noted|explains|explained|adds|added|continues|continued)\s*:\s*$"
)


def introduced(doc: Doc, sentences: list[SpacySpan], lexicon: Lexicon) -> list[Attribution]:
    """ "The Daily Ledger reports:" on a line of its own scopes over the paragraphs that follow."""
    text = doc_text(doc)
    found = []
    paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
    for number, start in enumerate(paragraph_starts):
        end = paragraph_starts[number + 1] if number + 1 < len(paragraph_starts) else len(text)
        line = text[start:end].strip()
        match = _INTRODUCTION.match(line)
        if match is None:
            continue
        offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        speaker_span = Span.of(text, offset + match.start("source"), offset + match.end("source"))
        cue_span = Span.of(text, offset + match.start("cue"), offset + match.end("cue"))
        content_end = (
            _next_introduction(text, paragraph_starts[number + 1 :]) if number + 1 < len(paragraph_starts) else None
        )
        content = None
        if number + 1 < len(paragraph_starts):
            content_start = paragraph_starts[number + 1]
            content = Span.of(text, content_start, (content_end or len(text)))
            content = trim_span(text, content)
        sentence = next((i for i, s in enumerate(sentences) if s.start_char <= cue_span.start < s.end_char), 0)
        source = Source(speaker_span.start, speaker_span.end, speaker_span.text, "unattributed")
        found.append(
            Attribution(
                cue=cue_span,
                cue_lemma=_INTRODUCTION_LEMMAS[match.group("cue").lower()],
                type="introduced",
                sentence=sentence,
                source=source,
                content=content,
            )
        )
    return found


def _next_introduction(text: str, starts: list[int]) -> int | None:
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        if _INTRODUCTION.match(text[start:end].strip()):
            return start
    return None


_INTRODUCTION_LEMMAS = {
    "reports": "report",
    "reported": "report",
    "writes": "write",
    "wrote": "write",
    "says": "say",
    "said": "say",
    "notes": "note",
    "noted": "note",
    "explains": "explain",
    "explained": "explain",
    "adds": "add",
    "added": "add",
    "continues": "continue",
    "continued": "continue",
}


def speaker_colon(sentences: list[SpacySpan], taken: set[int]) -> list[Attribution]:
    """ "Minister: the bridge is safe" — a short name or noun phrase, a colon, and what it says."""
    found = []
    for index, sentence in enumerate(sentences):
        colon = next((t for t in sentence[:8] if t.text == ":"), None)
        if colon is None or colon.i == sentence.start or colon.idx in taken:
            continue
        speaker = sentence.doc[sentence.start : colon.i]
        words = [t for t in speaker if not t.is_punct and not t.is_space]
        # Only a bare name or label ("Minister", "Q", "Party spokesman"), capitalised: a colon after a phrase
        # with a determiner, preposition or adjective ("One notable trend:", "Among its findings:") or after
        # lowercase code is a heading or list, not a speaker.
        if not words or any(t.pos_ not in NOUN_LIKE for t in words) or not words[0].text[:1].isupper():
            continue
        rest = [t for t in sentence if t.i > colon.i and not t.is_space]
        if len(rest) < 3:
            continue
        text = doc_text(sentence.doc)
        speaker_span = trim_span(text, Span.of(text, speaker.start_char, speaker.end_char))
        found.append(
            Attribution(
                cue=Span.of(text, colon.idx, colon.idx + 1),
                cue_lemma=":",
                type="indirect",
                sentence=index,
                source=Source(speaker_span.start, speaker_span.end, speaker_span.text, "unattributed"),
                content=span_of(sentence.doc, rest),
            )
        )
    return found
