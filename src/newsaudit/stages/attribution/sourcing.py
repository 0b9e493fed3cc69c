"""The sourcing profile of an article (`profile`): how many of its attributions, sentences and distinct
sources rest on each kind of source, which the stage assigns as `sourcing` beside the attributions. (Named
`sourcing`, not `profile`, so that the module does not shadow the function in the package.)

What each figure counts: `attributions_by_kind` attributions (every mention of a source counts);
`sentences_by_kind` sentences; `n_sources` and `sources_by_kind` distinct sources, i.e. the entities
`resolve_sources` merges its mentions into ("Dana Whitfield" … "Whitfield" … "she" is one), the article's own
outlet ("our reporters") left out and counted as `own_outlet_attributions`; `named_sources` and
`n_named_sources` the distinct names of the named kinds.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsaudit.schema import Attribution
from newsaudit.stages.attribution.sources import OWN_OUTLET

_NAMED_KINDS = frozenset({"person", "official", "organization", "outlet", "government"})


def profile(found: tuple[Attribution, ...], n_sentences: int) -> dict[str, Any]:
    """Counts of attributions, attributed sentences and distinct sources by source kind, the share of
    sentences resting on anonymous or unnamed sources, the share with no attribution, and the distinct named
    sources."""
    by_kind = Counter(a.source.kind if a.source else "unattributed" for a in found)
    sentences_by_kind: dict[str, set[int]] = {}
    for a in found:
        sentences_by_kind.setdefault(a.source.kind if a.source else "unattributed", set()).add(a.sentence)
    attributed = {a.sentence for a in found}
    anonymous = sentences_by_kind.get("anonymous", set()) | sentences_by_kind.get("unnamed_group", set())
    named = sorted(
        {
            a.source.name
            for a in found
            if a.source and a.source.name and a.source.name != OWN_OUTLET and a.source.kind in _NAMED_KINDS
        }
    )
    # One entity per source; attributions built without entities (by hand) count by name, else by span.
    entities: dict[object, str] = {}
    for a in found:
        source = a.source
        if source is None or source.kind == "unattributed" or source.name == OWN_OUTLET:
            continue
        key = source.entity if source.entity is not None else (source.kind, source.name or (source.start, source.end))
        entities.setdefault(key, source.kind)
    total = max(n_sentences, 1)
    return {
        "attributions_by_kind": dict(sorted(by_kind.items())),
        "sentences_by_kind": {kind: len(ids) for kind, ids in sorted(sentences_by_kind.items())},
        "n_sentences": n_sentences,
        "share_anonymous_or_unnamed": round(len(anonymous) / total, 3),
        "share_unattributed": round((n_sentences - len(attributed)) / total, 3) if n_sentences else 0.0,
        "named_sources": named,
        "n_named_sources": len(named),
        "n_sources": len(entities),
        "sources_by_kind": dict(sorted(Counter(entities.values()).items())),
        "own_outlet_attributions": sum(1 for a in found if a.source is not None and a.source.name == OWN_OUTLET),
    }
