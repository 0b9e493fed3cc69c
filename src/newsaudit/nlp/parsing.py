"""Parsing that scales to long texts (paragraph-aligned chunks joined with exact offsets), and cached Doc views."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from newsaudit.schema.audit import replace_surrogates

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

#: Texts longer than this are parsed in paragraph-aligned chunks and joined, so a huge article neither
#: trips spaCy's max_length nor needs gigabytes for one parse.
CHUNK_CHARS = 100_000


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once: spaCy rebuilds the string from every token on each access."""
    text = doc.user_data.get("newsaudit_text")
    if text is None:
        text = doc.user_data["newsaudit_text"] = doc.text
    return text


def doc_entities(doc: Doc) -> tuple[SpacySpan, ...]:
    """`doc.ents`, built once: spaCy makes a new Span for every entity on each access, and the claim facts
    read the entities of the whole document for every claim. (Kept in `user_data`, which a Doc serialised
    with `to_bytes` would need cleared first; newsaudit's workers return audits, never Docs.)"""
    entities = doc.user_data.get("newsaudit_ents")
    if entities is None:
        entities = doc.user_data["newsaudit_ents"] = tuple(doc.ents)
    return entities


def entities_within(doc: Doc, start: int, end: int) -> list[SpacySpan]:
    """The entities lying wholly in `doc.text[start:end]`, in order: `[e for e in doc_entities(doc) if start <=
    e.start_char and e.end_char <= end]`, found by bisection, so that the claims' facts cost each sentence
    its own entities rather than the whole document's (which made them quadratic in the text)."""
    entities = doc_entities(doc)
    starts = doc.user_data.get("newsaudit_ent_starts")
    if starts is None:
        starts = doc.user_data["newsaudit_ent_starts"] = [entity.start_char for entity in entities]
    found = []
    # Entities never overlap and come in text order: past `end`, none can lie inside.
    for number in range(bisect_left(starts, start), len(entities)):
        if starts[number] >= end:
            break
        entity = entities[number]
        if entity.end_char <= end:
            found.append(entity)
    return found


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16, chunk_chars: int = CHUNK_CHARS) -> Iterator[Doc]:
    """`nlp.pipe` over `texts`, parsing any text over `CHUNK_CHARS` in chunks cut at paragraph breaks.

    Each chunk keeps its trailing separator, so the joined `Doc` has exactly the original text and every
    character offset stays valid. The pipeline gets at most `batch_size` texts and `BATCH_CHARS` characters
    at once (a longer text or chunk alone), so its memory follows the batch, not the document.
    """
    from spacy.tokens import Doc

    texts = list(texts)
    chunks: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        # spaCy cannot hash a lone surrogate: U+FFFD stands in its place, one for one, so offsets hold.
        for chunk in split_for_parsing(replace_surrogates(text), chunk_chars):
            chunks.append(chunk)
            owners.append(index)
    pending: list[Doc] = []
    current = 0
    for owner, doc in zip(owners, _pipe(nlp, chunks, batch_size), strict=True):
        if owner != current:
            yield _join(pending, Doc)
            pending, current = [], owner
        pending.append(doc)
    if pending:
        yield _join(pending, Doc)


#: Characters handed to the pipeline in one batch at most. spaCy's memory grows with its batch, not with
#: the Doc it returns (a 300 kB text in three 100 kB chunks peaked at 1.2 GB as one batch, 0.6 GB chunk by
#: chunk), and its annotations do not depend on how texts are batched.
BATCH_CHARS = CHUNK_CHARS


def _pipe(nlp: Language, chunks: list[str], batch_size: int) -> Iterator[Doc]:
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        if batch and (len(batch) >= batch_size or size + len(chunk) > BATCH_CHARS):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(chunk)
        size += len(chunk)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def split_for_parsing(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    if len(text) <= limit:
        return [text]
    chunks, start = [], 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = text.rfind("\n", start + limit // 2, end)
            if cut == -1:
                cut = text.rfind(" ", start + limit // 2, end)
            end = cut + 1 if cut != -1 else end
        chunks.append(text[start:end])
        start = end
    return chunks


def _join(docs: list[Doc], doc_type: type[Doc]) -> Doc:
    return docs[0] if len(docs) == 1 else doc_type.from_docs(docs, ensure_whitespace=False)


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Quotations, from opening to closing mark, within a paragraph (a quote may run over sentences)."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        chunk, offset = paragraph.group(), paragraph.start()
        for match in re.finditer(r"“[^“”]*”|\"[^\"]*\"", chunk):
            if match.end() - match.start() > 2:
                spans.append((offset + match.start(), offset + match.end()))
    return spans
