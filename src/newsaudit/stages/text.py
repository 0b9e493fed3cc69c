"""The foundation stages: sentences and named entities, straight from the parse, with white space trimmed."""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from newsaudit.schema import Entity, Sentence
from newsaudit.stages.registry import Context, stage


@stage("sentences", assigns=("sentences",))
def sentences(context: Context) -> dict[str, Any]:
    """Sentences with white space trimmed from both ends, so that each one's span is its visible text."""
    text = context.article.text
    found = []
    for sentence in context.doc.sents:
        start, end = _trim(text, sentence.start_char, sentence.end_char)
        if start < end:
            found.append(Sentence(start, end, text[start:end]))
    return {"sentences": tuple(found)}


@stage("entities", requires=("sentences",), assigns=("entities",))
def entities(context: Context) -> dict[str, Any]:
    """Named entities from the pipeline's recogniser, each with the index of its sentence."""
    text = context.article.text
    starts = [sentence.start for sentence in context.findings["sentences"]]
    found = []
    for entity in context.doc.ents:
        start, end = _trim(text, entity.start_char, entity.end_char)
        if start < end:
            found.append(Entity(start, end, text[start:end], entity.label_, max(bisect_right(starts, start) - 1, 0)))
    return {"entities": tuple(found)}


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
