"""The `reuse` stage: which corpus articles this one shares text with, and whether it credits them.

The look-up itself is `Corpus.find_reuse` (the store and index, `newsaudit.stores.corpus`); this stage turns
its matches into the audit's `Reuse` findings and decides the credit; without a corpus it finds none. An
article credits the one it copies when one of its attributions names that outlet: the source's name, reduced
to letters and digits without a leading "the", equals the other article's domain name (its registrable
label: `washingtonpost` for www.washingtonpost.com) or starts it, as "AP" starts `apnews` (two letters at
least).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from newsaudit.schema import Article, Attribution, Reuse, ReusedPassage, Signal, Source, Span
from newsaudit.stages.registry import Context, stage
from newsaudit.stores.corpus import Corpus, ReuseMatch

#: Shares below this (of either text) are not reported: a sentence or two in common is quotation, not reuse.
MIN_SHARE = 0.1
#: An article with at least this share of its text from an earlier one it does not credit is flagged.
UNCREDITED_SHARE = 0.25
#: An article with at least this share from an earlier one is flagged even when it credits it: most of the
#: text is someone else's, under a one-line credit.
MOSTLY_COPIED_SHARE = 0.5
_EVIDENCE_PASSAGES = 10
_DOMAIN_PREFIXES = frozenset({"www", "m", "amp", "mobile", "edition", "news", "en"})
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac"})


@stage("reuse", requires=("attributions",), assigns=("reuse",))
def reuse(context: Context) -> dict[str, Any]:
    corpus = context.stores.open_corpus() if context.stores is not None else None
    if corpus is None or not context.article.text:
        return {"reuse": ()}
    return {"reuse": find_reuse(context.article, context.findings["attributions"], corpus)}


def find_reuse(
    article: Article, attributions: Sequence[Attribution], corpus: Corpus, min_share: float = MIN_SHARE
) -> tuple[Reuse, ...]:
    """The corpus articles sharing text with `article`, most of this article found first, each with its credit."""
    return find_reuse_credited_by(article, [a.source for a in attributions if a.source is not None], corpus, min_share)


def find_reuse_credited_by(
    article: Article, sources: Sequence[Source], corpus: Corpus, min_share: float = MIN_SHARE
) -> tuple[Reuse, ...]:
    """`find_reuse` given the article's attribution sources only (what a stored audit keeps of them)."""
    return tuple(_reuse(match, sources) for match in corpus.find_reuse(article, min_share=min_share))


def _reuse(match: ReuseMatch, sources: Sequence[Source]) -> Reuse:
    credit = credit_among(match.domain, sources)
    return Reuse(
        id=match.id,
        url=match.url,
        domain=match.domain,
        title=match.title,
        published=match.published,
        share_this=round(match.share_this, 4),
        share_other=round(match.share_other, 4),
        passages=tuple(ReusedPassage(passage.a, passage.b) for passage in match.passages),
        earlier=match.earlier,
        credited=credit is not None,
        credit=credit,
    )


def domain_name(domain: str | None) -> str | None:
    """The registrable label of a domain: "washingtonpost" for www.washingtonpost.com, "bbc" for bbc.co.uk."""
    if not domain:
        return None
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    while len(labels) > 2 and labels[0] in _DOMAIN_PREFIXES:
        labels = labels[1:]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else None)


def outlet_key(name: str) -> str:
    """An outlet's name reduced for comparison with a domain name: "The Washington Post" → "washingtonpost"."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^\s*the\s+", "", name.lower()))


def credit_for(domain: str | None, attributions: Sequence[Attribution]) -> Span | None:
    """The source span of the first attribution that names the outlet at `domain`, if any."""
    return credit_among(domain, [a.source for a in attributions if a.source is not None])


def credit_among(domain: str | None, sources: Sequence[Source]) -> Span | None:
    """The first of `sources` (attribution sources, in text order) that names the outlet at `domain`, if any."""
    label = domain_name(domain)
    if not label:
        return None
    for source in sources:
        for name in (source.name, source.text):
            key = outlet_key(name or "")
            if len(key) >= 2 and (key == label or label.startswith(key) or key.startswith(label)):
                return Span(source.start, source.end, source.text)
    return None


def copying_signals(reuse: Sequence[Reuse]) -> tuple[Signal, ...]:
    """Signals for text taken from an earlier (or undated) corpus article: `uncredited_copying` when the
    article does not credit it, `mostly_copied_with_credit` when it does but the copied text is most of the
    article. One signal per kind, for the largest such reuse; evidence: the copied passages (and the credit)."""
    signals = []
    earlier = [r for r in reuse if r.earlier != "this"]
    uncredited = [r for r in earlier if not r.credited and r.share_this >= UNCREDITED_SHARE]
    if uncredited:
        top = max(uncredited, key=lambda r: r.share_this)
        where = top.domain or top.url or top.id
        signals.append(
            Signal(
                name="uncredited_copying",
                value=top.share_this,
                direction="lowers",
                explanation=f"{top.share_this:.0%} of this article's text also appears in an "
                f"{'earlier' if top.earlier == 'other' else 'undated'} article ({where}) that it does not credit.",
                evidence=tuple(p.this for p in top.passages[:_EVIDENCE_PASSAGES]),
            )
        )
    credited = [r for r in earlier if r.credited and r.share_this >= MOSTLY_COPIED_SHARE]
    if credited:
        top = max(credited, key=lambda r: r.share_this)
        credit = (top.credit,) if top.credit is not None else ()
        signals.append(
            Signal(
                name="mostly_copied_with_credit",
                value=top.share_this,
                direction="lowers",
                explanation=f"{top.share_this:.0%} of this article's text is taken from {top.domain or top.id}, "
                f'credited only as "{top.credit.text if top.credit else ""}".',
                evidence=credit + tuple(p.this for p in top.passages[:_EVIDENCE_PASSAGES]),
            )
        )
    return tuple(signals)
