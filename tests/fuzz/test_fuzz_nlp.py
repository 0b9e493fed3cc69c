"""Chunked parsing: the joined chunks are exactly the text, and every token and sentence of the joined `Doc` sits at
its true character offset, whatever the text and however small the chunks."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsaudit.nlp import load_sentencizer, parse, split_for_parsing
from newsaudit.schema.audit import replace_surrogates
from tests.fuzz.conftest import examples
from tests.fuzz.strategies import hostile_text, news_text

texts = st.one_of(hostile_text(max_pieces=60), news_text(), st.text(max_size=300))


@settings(max_examples=examples(200))
@given(texts, st.integers(1, 400))
def test_fuzz_split_for_parsing_keeps_every_character(text, limit):
    chunks = split_for_parsing(text, limit)
    assert "".join(chunks) == text
    assert all(len(chunk) <= limit for chunk in chunks) or chunks == [text]
    assert all(chunks) or chunks == [""]
    # A cut falls after a line break or a space whenever the second half of the window has one.
    for chunk in chunks[:-1]:
        window = chunk[limit // 2 :]
        if "\n" in window or " " in window:
            assert chunk.endswith(("\n", " ")), (chunk, limit)


def check_doc(doc, text: str) -> None:
    # The one change parse() makes: a lone surrogate, which spaCy cannot hash, is parsed as U+FFFD in its place.
    text = replace_surrogates(text)
    assert doc.text == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text
    starts = [sentence.start_char for sentence in doc.sents] if len(doc) else []
    assert starts == sorted(starts)
    for sentence in doc.sents:
        assert text[sentence.start_char : sentence.end_char] == sentence.text


@settings(max_examples=examples(60))
@given(st.lists(texts, max_size=4), st.integers(8, 200))
# spaCy's tokenizer raised UnicodeEncodeError hashing a lone surrogate (parsing.py now parses it as U+FFFD).
@example(["\ud800 "], 8)
def test_fuzz_parse_in_chunks_joins_to_the_exact_text(batch, chunk_chars):
    docs = list(parse(load_sentencizer(), batch, batch_size=3, chunk_chars=chunk_chars))
    assert len(docs) == len(batch)
    for doc, text in zip(docs, batch, strict=True):
        check_doc(doc, text)


@settings(max_examples=examples(12))
@given(st.lists(st.one_of(hostile_text(max_pieces=40), news_text()), min_size=1, max_size=2), st.integers(20, 300))
@example(["The mayor \ud800 said on Monday.\n\nIt was \udfff closed."], 20)
def test_fuzz_full_pipeline_in_chunks_keeps_offsets(auditor, batch, chunk_chars):
    docs = list(parse(auditor.nlp, batch, chunk_chars=chunk_chars))
    assert len(docs) == len(batch)
    for doc, text in zip(docs, batch, strict=True):
        check_doc(doc, text)
        text = replace_surrogates(text)
        for entity in doc.ents:
            assert text[entity.start_char : entity.end_char] == entity.text
