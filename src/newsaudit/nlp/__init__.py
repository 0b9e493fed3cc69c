"""The NLP layer: one spaCy pipeline per process, a language guess, and parsing that scales to long texts."""

from newsaudit.nlp.language import LanguageGuesser
from newsaudit.nlp.loading import import_spacy, lemma, load_pipeline, load_sentencizer, pipeline_name
from newsaudit.nlp.parsing import (
    CHUNK_CHARS,
    doc_entities,
    doc_text,
    entities_within,
    parse,
    quotation_spans,
    split_for_parsing,
)

__all__ = [
    "CHUNK_CHARS",
    "LanguageGuesser",
    "doc_entities",
    "doc_text",
    "entities_within",
    "import_spacy",
    "lemma",
    "load_pipeline",
    "load_sentencizer",
    "parse",
    "pipeline_name",
    "quotation_spans",
    "split_for_parsing",
]
