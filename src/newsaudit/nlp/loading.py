"""The spaCy pipeline, loaded once per process, with sentence starts forced at paragraph breaks, and lemmas on demand.

torch is kept out on purpose. thinc imports torch at start-up whenever it is installed, which doubles
start time and memory for pipelines that never use it (every CNN pipeline such as `en_core_web_sm`). So
unless the pipeline is a transformer one, spaCy is imported with torch hidden.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from newsaudit.errors import ModelNotFoundError
from newsaudit.nlp import attribute_ruler
from newsaudit.nlp.parsing import CHUNK_CHARS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PARAGRAPH_BREAKS = "newsaudit_paragraph_breaks"


def import_spacy(allow_torch: bool = False):
    """Import spaCy; without `allow_torch`, thinc is made to see no torch (see the module docstring)."""
    if "spacy" in sys.modules or allow_torch or "torch" in sys.modules:
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` raise ImportError
    try:
        import spacy
    finally:
        del sys.modules["torch"]
    return spacy


@cache
def load_pipeline(name: str, lemmatize: bool = False) -> Language:
    """Load a spaCy pipeline once per process, with sentence starts forced at paragraph breaks.

    Unless `lemmatize`, the lemmatizer is kept but not run over every token: it costs about 7% of the parse
    and the stages need lemmas of a few tokens only, which `lemma()` computes on demand.
    """
    is_transformer = name.endswith("_trf") or "trf" in Path(name).name
    spacy = import_spacy(allow_torch=is_transformer)
    if not Path(name).exists() and importlib.util.find_spec(name) is None:
        raise ModelNotFoundError(
            f"spaCy pipeline {name!r} is not installed; install it (e.g. `pip install {name.replace('_', '-')}`) "
            "or choose another with --model / NEWSAUDIT_MODEL"
        )
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, ValueError) as error:
        raise ModelNotFoundError(f"cannot load spaCy pipeline {name!r}: {error}") from None
    _add_paragraph_breaks(nlp)
    _PIPELINES[id(nlp.vocab)] = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}-{nlp.meta.get('version', '')}"
    attribute_ruler.install(nlp)  # same annotations, ~40% less time in the attribute ruler
    if "lemmatizer" in nlp.pipe_names:
        _LEMMATIZERS[id(nlp.vocab)] = nlp.get_pipe("lemmatizer")
        _index_as_sets(nlp.get_pipe("lemmatizer"))
        if not lemmatize:
            nlp.disable_pipe("lemmatizer")
    nlp.max_length = max(nlp.max_length, CHUNK_CHARS * 2)
    return nlp


@cache
def load_sentencizer() -> Language:
    """A language-neutral sentence splitter for texts the main pipeline does not speak."""
    spacy = import_spacy()
    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


_LEMMATIZERS: dict[int, object] = {}
_PIPELINES: dict[int, str] = {}


def pipeline_name(vocab) -> str | None:
    """ "en_core_web_sm-3.8.0": the pipeline loaded here that owns this vocabulary (so a model trained on one
    pipeline's token vectors can tell whether a Doc's `tensor` means the same), or None."""
    return _PIPELINES.get(id(vocab))


#: Lemmas computed on demand, by (vocabulary, word, part of speech, morphology): spaCy's rule lemmatizer
#: caches by word and part of speech but not base forms, and its Python path costs ~10 µs a call.
_LEMMA_CACHE: dict[tuple[int, int, int, int], str] = {}
_LEMMA_CACHE_SIZE = 500_000


def lemma(token) -> str:
    """The lemma of one token, from the pipeline's own lemmatizer, computed only when asked (and once)."""
    if token.lemma_:
        return token.lemma_
    lemmatizer = _LEMMATIZERS.get(id(token.vocab))
    if lemmatizer is None:
        return token.lower_
    key = (id(token.vocab), token.orth, token.pos, token.morph.key)
    found = _LEMMA_CACHE.get(key)
    if found is not None:
        return found
    if getattr(lemmatizer, "mode", "") == "rule":
        forms = lemmatizer.rule_lemmatize(token)
    else:
        forms = lemmatizer.lookup_lemmatize(token)
    found = forms[0] if forms else token.lower_
    if len(_LEMMA_CACHE) >= _LEMMA_CACHE_SIZE:
        _LEMMA_CACHE.clear()
    _LEMMA_CACHE[key] = found
    return found


def _index_as_sets(lemmatizer) -> None:
    """spaCy's rule lemmatizer tests `form in index` against a list of every known lemma of that part of
    speech (~100 µs a word); the same test against a set gives the same answer at once."""
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key in list(table.keys()):
        value = table[key]
        if isinstance(value, list):
            table[key] = frozenset(value)


def _add_paragraph_breaks(nlp: Language) -> None:
    from spacy.language import Language

    if PARAGRAPH_BREAKS not in Language.factories:
        Language.component(PARAGRAPH_BREAKS, func=_paragraph_breaks)
    if PARAGRAPH_BREAKS in nlp.pipe_names:
        return
    before = next((name for name in ("parser", "senter", "sentencizer") if name in nlp.pipe_names), None)
    if before is not None:
        nlp.add_pipe(PARAGRAPH_BREAKS, before=before)


def _paragraph_breaks(doc: Doc) -> Doc:
    """A paragraph always starts a sentence; the parser keeps boundaries set before it runs."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc
