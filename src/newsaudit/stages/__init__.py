"""The audit stages, one module (or package) each, and the order they run in.

Importing this package registers every stage (`newsaudit.stages.registry`); `DEFAULT_STAGES` is the default
pipeline, written out once. Each stage reads the findings of earlier ones (its `requires`) and writes its own
(`assigns`); the stores it reads come from `Context.stores`.
"""

from newsaudit.stages import (  # noqa: F401  (each import registers its stages)
    attribution,
    claims,
    credibility,
    denials,
    factchecks,
    hedges,
    reputation,
    reuse,
    signals,
    stance,
    story,
    text,
)
from newsaudit.stages.registry import REGISTRY, Context, Stage, resolve, stage

#: The default pipeline, in order. The stores' stages (`factchecks`, `reuse`, `story`, `reputation`) find nothing
#: unless the settings name a store.
DEFAULT_STAGES: tuple[str, ...] = (
    "sentences",
    "entities",
    "attributions",
    "hedges",
    "denials",
    "claims",
    "factchecks",
    "stance",
    "reuse",
    "story",
    "reputation",
    "signals",
    "credibility",
)

__all__ = ["DEFAULT_STAGES", "REGISTRY", "Context", "Stage", "resolve", "stage"]
