"""Audit stages: small named functions from a parsed article (plus earlier findings) to new findings.

A stage is registered under a name with what it reads (`requires`) and what it writes (`assigns`), like a
spaCy component. The `Auditor` orders the stages it is given, checks before any text is processed that each
one's requirements are met by an earlier stage, and runs them. A stage never does I/O and never mutates
the article or the findings it reads; it returns a dict of new findings keyed by the names it assigns.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsaudit.errors import SettingsError
from newsaudit.model import Article, Entity, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True, slots=True)
class Context:
    """What a stage sees: the article, its spaCy `Doc` (same text, same offsets), and earlier findings.

    `english` is False when the article's language is not the pipeline's: the `Doc` then has sentences
    only (no tags, parse or entities), and stages that need those step aside.
    """

    article: Article
    doc: Doc
    findings: Mapping[str, Any]
    english: bool = True


StageFunction = Callable[[Context], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    function: StageFunction
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, context: Context) -> dict[str, Any]:
        return self.function(context)


REGISTRY: dict[str, Stage] = {}


def stage(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable:
    """Register a stage function under `name`."""

    def register(function: StageFunction) -> StageFunction:
        if name in REGISTRY:
            raise ValueError(f"a stage named {name!r} is already registered")
        REGISTRY[name] = Stage(name, function, tuple(requires), tuple(assigns))
        return function

    return register


def resolve(names: Iterable[str] | None = None) -> tuple[Stage, ...]:
    """The stages to run, in order, after checking each one's requirements are assigned earlier."""
    names = list(REGISTRY) if names is None else list(names)
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise SettingsError(f"unknown stage(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    available: set[str] = set()
    stages = []
    for name in names:
        current = REGISTRY[name]
        missing = [need for need in current.requires if need not in available]
        if missing:
            raise SettingsError(f"stage {name!r} needs {', '.join(missing)}, which no earlier stage assigns")
        available.update(current.assigns)
        stages.append(current)
    return tuple(stages)


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


# The analysis stages live in their own modules; importing them registers them, in this order.
from newsaudit import attribution  # noqa: E402, F401, I001  (attributions, sourcing)
from newsaudit import hedges  # noqa: E402, F401
from newsaudit import denials  # noqa: E402, F401  (needs attributions)
from newsaudit import claims  # noqa: E402, F401  (needs attributions, hedges, denials)
from newsaudit import headline  # noqa: E402, F401  (stance; needs claims' links)
from newsaudit import signals  # noqa: E402, F401  (needs everything above)
