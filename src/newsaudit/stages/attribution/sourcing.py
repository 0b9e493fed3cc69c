"""The sourcing profile of an article (`profile`): how many of its attributions and sentences rest on each
kind of source, which the stage assigns as `sourcing` beside the attributions. (Named `sourcing`, not
`profile`, so that the module does not shadow the function in the package.)
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from newsaudit.schema import Attribution


def profile(found: tuple[Attribution, ...], n_sentences: int) -> dict[str, Any]:
    """Counts of attributions and attributed sentences by source kind, the share of sentences resting on
    anonymous or unnamed sources, the share with no attribution, and the distinct named sources."""
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
            if a.source
            and a.source.name
            and a.source.kind in ("person", "official", "organization", "outlet", "government")
        }
    )
    total = max(n_sentences, 1)
    return {
        "attributions_by_kind": dict(sorted(by_kind.items())),
        "sentences_by_kind": {kind: len(ids) for kind, ids in sorted(sentences_by_kind.items())},
        "n_sentences": n_sentences,
        "share_anonymous_or_unnamed": round(len(anonymous) / total, 3),
        "share_unattributed": round((n_sentences - len(attributed)) / total, 3) if n_sentences else 0.0,
        "named_sources": named,
        "n_named_sources": len(named),
    }
