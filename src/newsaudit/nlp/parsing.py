"""Parsing that scales to long texts (paragraph-aligned chunks joined with exact offsets), and cached Doc views."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

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


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 16, chunk_chars: int = CHUNK_CHARS) -> Iterator[Doc]:
    """`nlp.pipe` over `texts`, parsing any text over `CHUNK_CHARS` in chunks cut at paragraph breaks.

    Each chunk keeps its trailing separator, so the joined `Doc` has exactly the original text and every
    character offset stays valid.
    """
    from spacy.tokens import Doc

    texts = list(texts)
    chunks: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        for chunk in split_for_parsing(text, chunk_chars):
            chunks.append(chunk)
            owners.append(index)
    pending: list[Doc] = []
    current = 0
    for owner, doc in zip(owners, nlp.pipe(chunks, batch_size=batch_size), strict=True):
        if owner != current:
            yield _join(pending, Doc)
            pending, current = [], owner
        pending.append(doc)
    if pending:
        yield _join(pending, Doc)


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
