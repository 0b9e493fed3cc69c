"""The stage registry: what a stage is, what it sees, and how a list of stage names becomes a checked pipeline.

A stage is registered under a name with what it reads (`requires`) and what it writes (`assigns`), like a
spaCy component. `resolve` checks, before any text is processed, that each stage's requirements are met by
an earlier stage. A stage never mutates the article or the findings it reads; it returns a dict of new
findings keyed by the names it assigns, and each finding has exactly one stage that writes it. The only
outside world a stage sees is `Context.stores` (the corpus, fact-check and source stores the settings name,
opened once per process). This module imports no stage: `newsaudit.stages` imports them and writes the
default order out in one list.

Beside what it assigns, a stage may return `WARNINGS`: `StageWarning`s the Auditor records as the audit's
warnings under the stage's name. The use for them is a cap: a stage that bounds its work on a huge document
(so that its cost stays linear in the text) says so with `work_capped(...)` rather than silently finding
less.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsaudit.errors import SettingsError
from newsaudit.schema import Article

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from newsaudit.stores import Stores


@dataclass(frozen=True, slots=True)
class Context:
    """What a stage sees: the article, its spaCy `Doc` (same text, same offsets), and earlier findings.

    `english` is False when the article's language is not the pipeline's: the `Doc` then has sentences
    only (no tags, parse or entities), and stages that need those step aside. `stores` opens the stores the
    settings name (None for each one that is not configured; stages that need one then step aside).
    """

    article: Article
    doc: Doc
    findings: Mapping[str, Any]
    english: bool = True
    stores: Stores | None = None


StageFunction = Callable[[Context], dict[str, Any]]

#: The key under which a stage may return a tuple of `StageWarning`s beside the findings it assigns.
WARNINGS = "warnings"


@dataclass(frozen=True, slots=True)
class StageWarning:
    """Something a stage wants the audit to say about its own work (a warning, never a finding)."""

    code: str
    message: str


def work_capped(message: str) -> StageWarning:
    """The warning of a stage that bounded its work on this document: what it did not do, and the bound."""
    return StageWarning("work_capped", message)


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


def resolve(names: Iterable[str]) -> tuple[Stage, ...]:
    """The stages to run, in order, after checking each one's requirements are assigned earlier."""
    names = list(names)
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise SettingsError(f"unknown stage(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}")
    available: set[str] = set()
    stages = []
    for name in names:
        current = REGISTRY[name]
        if WARNINGS in current.assigns:
            raise SettingsError(f"stage {name!r} assigns {WARNINGS!r}, the name reserved for its warnings")
        missing = [need for need in current.requires if need not in available]
        if missing:
            raise SettingsError(f"stage {name!r} needs {', '.join(missing)}, which no earlier stage assigns")
        available.update(current.assigns)
        stages.append(current)
    return tuple(stages)
