"""The `story` stage: the story this article belongs to across outlets, from the corpus store's story layer.

With a corpus (`--corpus`), the article's story is the one it was placed in when it was stored, or, for an
article not stored, the one it would join (`Corpus.nearest_story`, read only). From the story's members and the
text reuse between them (`Corpus.story_reuse`, plus this article's own `reuse` findings) come its copy
families, independent origins, first report and each article's role (`families`); from the other members'
sentences, which of this article's check-worthy claims they carry or deny, and each claim's corroboration, the
number of independent origins that carry it (`claims`). Without a corpus, or when the article would start a
story of its own, `story` is None. `story_signals` turns the finding into the three story signals.

`find_story` is also what `newsaudit story` shows for a story's first report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from newsaudit.models.claim_stance import ClaimStance
from newsaudit.models.embeddings import Embedder
from newsaudit.schema import (
    Article,
    Claim,
    ClaimSupport,
    Denial,
    Reuse,
    Signal,
    StoryFinding,
    StoryMember,
    StoryQuote,
)
from newsaudit.stages.registry import Context, stage
from newsaudit.stages.story.claims import Other, compare
from newsaudit.stages.story.families import Edge, Node, chronological, families
from newsaudit.stores.corpus import Corpus

#: Members listed in `audit.story.members` at most (earliest first); `size` is the story's real size.
MAX_MEMBERS = 100
#: This article's claims compared across the story: the most check-worthy first.
MAX_CLAIMS = 8
#: Other members whose sentences are read for the claims: one per copy family first, then the rest.
MAX_READ = 40
#: A claim scored at least this check-worthy is "uncorroborated" when no other origin carries it.
CHECKWORTHY = 0.5


@stage("story", requires=("claims", "denials", "reuse"), assigns=("story",))
def story(context: Context) -> dict[str, Any]:
    corpus = context.stores.open_corpus() if context.stores is not None else None
    if corpus is None or not context.article.text:
        return {"story": None}
    findings = context.findings
    owners = context.stores.owner_list()
    return {
        "story": find_story(
            context.article, findings["claims"], findings["denials"], findings["reuse"], corpus, owners=owners
        )
    }


def find_story(
    article: Article,
    claims: Sequence[Claim],
    denials: Sequence[Denial],
    reuse: Sequence[Reuse],
    corpus: Corpus,
    *,
    owners: Mapping[str, str] | None = None,
    embedder: Embedder | None = None,
) -> StoryFinding | None:
    stored_story = corpus.story_of(article.id)
    stored = stored_story is not None and _same_text(corpus, article)
    story_id = stored_story if stored else corpus.nearest_story(article)[0]
    if story_id is None:
        return None
    members = corpus.story_members(story_id)
    nodes = [Node(m.id, m.domain, m.published, m.seen, index) for index, m in enumerate(members)]
    edges = [Edge(r.a, r.b, r.share_a, r.share_b) for r in corpus.story_reuse(story_id)]
    if not stored:
        nodes.append(Node(article.id, article.domain, article.published, None, len(nodes)))
        ids = {m.id for m in members}
        edges += [Edge(article.id, r.id, r.share_this, r.share_other) for r in reuse if r.id in ids]
    found = families(nodes, edges, owners)
    by_id = {m.id: m for m in members}
    # The claims: read one member per copy family first (the earliest), then the others, up to MAX_READ.
    chosen = sorted((c for c in claims if c.span.text.strip()), key=lambda c: c.rank)[:MAX_CLAIMS]
    others = [m for m in members if m.id != article.id]
    others.sort(key=lambda m: (found.role.get(m.id) == "copy", found.origin.get(m.id, 0), m.n))
    texts = [Other(m.id, (corpus.get(m.id) or Article(m.id)).text) for m in others[:MAX_READ]]
    matches = compare([c.span.text for c in chosen], texts, embedder or Embedder.default(), ClaimStance.default())
    this_origin = found.origin.get(article.id, 0)
    supports = []
    deniers: set[str] = set()
    for claim, quotes in zip(chosen, matches, strict=True):
        carried = tuple(q.article for q in quotes if q.stance == "carries")
        denied = tuple(q.article for q in quotes if q.stance == "denies")
        deniers.update(denied)
        origins = {this_origin} | {found.origin[i] for i in carried if i in found.origin}
        supports.append(
            ClaimSupport(
                claim=claims.index(claim),
                corroboration=len(origins),
                carried_by=carried,
                denied_by=denied,
                quotes=tuple(StoryQuote(q.article, q.span, q.stance, q.similarity) for q in quotes),
            )
        )
    roles = dict(found.role)
    for member_id in deniers:
        if roles.get(member_id) == "follow-up":
            roles[member_id] = "rebuttal"
    if roles.get(article.id) == "follow-up" and denials:
        roles[article.id] = "rebuttal"
    ordered = sorted(nodes, key=chronological)
    listed = [_member(by_id[n.id], roles, found) for n in ordered if n.id in by_id][:MAX_MEMBERS]
    first = by_id.get(found.first_report or "")
    if found.first_report == article.id and first is None:
        first_published, first_seen = article.published, None
    else:
        first_published, first_seen = (first.published, first.seen) if first else (None, None)
    return StoryFinding(
        id=story_id,
        stored=stored,
        size=len(nodes),
        origins=found.origins,
        first_report=found.first_report,
        first_published=first_published,
        first_seen=first_seen,
        undated=found.undated,
        role=roles.get(article.id, "follow-up"),
        origin=this_origin,
        members=tuple(listed),
        claims=tuple(supports),
        note=found.note,
    )


def _member(member: Any, roles: Mapping[str, str], found: Any) -> StoryMember:
    copies = found.copies.get(member.id)
    return StoryMember(
        id=member.id,
        url=member.url,
        domain=member.domain,
        title=member.title,
        published=member.published,
        seen=member.seen,
        role=roles.get(member.id, "follow-up"),
        origin=found.origin.get(member.id, 0),
        copies=copies[0] if copies else None,
        share=copies[1] if copies else 0.0,
    )


def _same_text(corpus: Corpus, article: Article) -> bool:
    stored = corpus.get(article.id)
    return stored is not None and stored.text == article.text


def story_signals(finding: StoryFinding | None, claims: Sequence[Claim]) -> tuple[Signal, ...]:
    """`single_origin_story`, `uncorroborated_claim` and `denied_elsewhere`, each with evidence in this article
    and the other articles named in its explanation. Informative: the credibility model gives them no weight
    until a labelled corpus of stories shows that they help."""
    if finding is None:
        return ()
    signals = []
    if finding.size >= 3 and finding.origins == 1:
        signals.append(
            Signal(
                name="single_origin_story",
                value=float(finding.size),
                direction="lowers",
                explanation=f"All {finding.size} articles of this story in the corpus come from one origin "
                f"(first reported by {_who(finding, finding.first_report)}): copies, not independent reports.",
            )
        )
    lonely = [
        s for s in finding.claims
        if s.corroboration == 1 and not s.denied_by and claims[s.claim].score >= CHECKWORTHY
    ]  # fmt: skip
    if lonely and finding.origins >= 2:
        signals.append(
            Signal(
                name="uncorroborated_claim",
                value=float(len(lonely)),
                direction="lowers",
                explanation=f"{len(lonely)} check-worthy claim(s) of this article appear in no other of the story's "
                f"{finding.origins} independent origins.",
                evidence=tuple(claims[s.claim].span for s in lonely),
            )
        )
    denied = [s for s in finding.claims if s.denied_by]
    if denied:
        names = sorted({_who(finding, i) for s in denied for i in s.denied_by})
        signals.append(
            Signal(
                name="denied_elsewhere",
                value=float(len(denied)),
                direction="lowers",
                explanation=f"{len(denied)} claim(s) of this article are denied or disputed by other articles of "
                f"the story: {', '.join(names[:5])}{'…' if len(names) > 5 else ''}.",
                evidence=tuple(claims[s.claim].span for s in denied),
            )
        )
    return tuple(signals)


def _who(finding: StoryFinding, member_id: str | None) -> str:
    for member in finding.members:
        if member.id == member_id:
            return member.domain or member.url or member.id
    return member_id or "an unknown article"


def story_families(corpus: Corpus, story_id: int, owners: Mapping[str, str] | None = None) -> Any:
    """The copy families, origins, first report and roles of a stored story (`families.Families`)."""
    members = corpus.story_members(story_id)
    nodes = [Node(m.id, m.domain, m.published, m.seen, index) for index, m in enumerate(members)]
    edges = [Edge(r.a, r.b, r.share_a, r.share_b) for r in corpus.story_reuse(story_id)] if len(members) > 1 else []
    return families(nodes, edges, owners)
