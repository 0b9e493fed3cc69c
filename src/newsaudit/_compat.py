"""Import paths from before the 0.7 layout, kept working for one minor version (removed in 0.8).

`import newsaudit.model` (or any other old path below) gives a module holding the public names of the
modules that now hold that code, and a `DeprecationWarning` naming them. Nothing in newsaudit imports an old
path; `tests/unit/test_layout.py` checks that each one still resolves.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

#: old module -> the modules that now hold its public names, first one first.
MOVED: dict[str, tuple[str, ...]] = {
    "newsaudit.model": ("newsaudit.schema",),
    "newsaudit.pipeline": ("newsaudit.auditor",),
    "newsaudit.readers": ("newsaudit.ingest.readers",),
    "newsaudit.readers.decode": ("newsaudit.ingest.readers.decode",),
    "newsaudit.readers.tables": ("newsaudit.ingest.readers.tables",),
    "newsaudit.readers.warc": ("newsaudit.ingest.readers.warc",),
    "newsaudit.extract": ("newsaudit.ingest.extract",),
    "newsaudit.chrome": ("newsaudit.ingest.chrome",),
    "newsaudit.fast_attribute_ruler": ("newsaudit.nlp.attribute_ruler",),
    "newsaudit.attribution": ("newsaudit.stages.attribution",),
    "newsaudit.hedges": ("newsaudit.stages.hedges",),
    "newsaudit.denials": ("newsaudit.stages.denials",),
    "newsaudit.claims": ("newsaudit.stages.claims",),
    "newsaudit.facts": (
        "newsaudit.stages.claims.quantities",
        "newsaudit.stages.claims.times",
        "newsaudit.stages.claims.places",
    ),
    "newsaudit.headline": ("newsaudit.stages.stance",),
    "newsaudit.signals": ("newsaudit.stages.signals",),
    "newsaudit.provenance": ("newsaudit.stages.reuse",),
    "newsaudit.checkworthy": ("newsaudit.models.checkworthy",),
    "newsaudit.stance_model": ("newsaudit.models.stance",),
    "newsaudit.roles": ("newsaudit.models.roles",),
    "newsaudit.credibility": ("newsaudit.models.credibility",),
    "newsaudit.embeddings": ("newsaudit.models.embeddings",),
    "newsaudit.corpus": ("newsaudit.stores.corpus",),
    "newsaudit.reuse": ("newsaudit.stores.corpus.fingerprints", "newsaudit.stores.corpus.alignment"),
    "newsaudit.factchecks": ("newsaudit.stores.factchecks", "newsaudit.stages.factchecks"),
    "newsaudit.sources": ("newsaudit.stores.sources", "newsaudit.stages.reputation"),
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname not in MOVED:
            return None
        is_package = any(other.startswith(fullname + ".") for other in MOVED)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec):
        return None

    def exec_module(self, module: ModuleType) -> None:
        targets = MOVED[module.__name__]
        warnings.warn(
            f"{module.__name__} moved to {' and '.join(targets)}; the old path goes in newsaudit 0.8",
            DeprecationWarning,
            stacklevel=2,
        )
        for target in targets:
            found = importlib.import_module(target)
            names = getattr(found, "__all__", None) or [name for name in vars(found) if not name.startswith("_")]
            for name in names:
                module.__dict__.setdefault(name, getattr(found, name))


def install() -> None:
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Alias())
