"""An audit as JSON-LD: schema.org `NewsArticle`, `Claim` and (only for a matched published fact-check)
`ClaimReview`, with newsaudit's own findings under its namespaced vocabulary (`docs/jsonld.md`).

- The article is a `NewsArticle` (headline, url, datePublished, author, publisher) with a stable `@id`: its URL
  when it has an http(s) one, else `urn:newsaudit:article:<id>`.
- Each check-worthy claim is a `Claim` with a stable `@id` (`urn:newsaudit:claim:<article id>:<start>-<end>`),
  its `text`, `appearance` (this article), the character offsets in the article's text (`na:startOffset`,
  `na:endOffset`), `author` (its source: a `Person` or an `Organization`; an anonymous source is a `Person`
  with `na:anonymous` true and no name; an unattributed claim is the publisher's own), and with a corpus
  `firstAppearance` (the earliest article of the story that carries it) and `na:corroboration`.
- A `ClaimReview` is written only for a fact-check the claim matched in the fact-check store, carrying that
  fact-check's own publisher, url, date and rating (`reviewRating.alternateName`, the verdict as published).
  newsaudit never writes a review or a rating of its own.
- The credibility assessment and each signal are `na:CredibilityAssessment` and `na:Signal` nodes on the
  article (`na:credibility`).

Everything is data from the audit: no value is invented, and a missing one is left out.
"""

from __future__ import annotations

from typing import Any

from newsaudit.schema import Audit, Claim

#: newsaudit's vocabulary (documented in docs/jsonld.md); a URN, so no one expects it to resolve.
VOCABULARY = "urn:newsaudit:vocab:"
CONTEXT: list[Any] = ["https://schema.org", {"na": VOCABULARY}]
_PEOPLE = {"named_person", "official", "anonymous"}
_ORGANISATIONS = {"organization", "government", "outlet", "document", "unnamed_group"}


#: What "https://schema.org" names as a context, for expanding offline (`offline_loader`): its vocabulary is
#: schema.org's own ("@vocab": "http://schema.org/", as the published context file has it).
SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": "http://schema.org/"}}


def offline_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """A JSON-LD document loader (pyld's `documentLoader`) that answers the schema.org context without the
    network and refuses anything else: expanding newsaudit's output needs nothing more."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}
    raise ValueError(f"offline: no document for {url}")


def article_iri(audit: Audit) -> str:
    url = audit.article.url or ""
    return url if url.startswith(("http://", "https://")) else f"urn:newsaudit:article:{audit.article.id}"


def claim_iri(audit: Audit, claim: Claim) -> str:
    return f"urn:newsaudit:claim:{audit.article.id}:{claim.span.start}-{claim.span.end}"


def to_jsonld(audits: Audit | list[Audit]) -> dict[str, Any]:
    """One JSON-LD document (`@context` and `@graph`) for one audit or several."""
    nodes: list[dict[str, Any]] = []
    for audit in [audits] if isinstance(audits, Audit) else audits:
        nodes.extend(graph(audit))
    return {"@context": CONTEXT, "@graph": nodes}


def graph(audit: Audit) -> list[dict[str, Any]]:
    """The nodes of one audit: the article, its claims, and the reviews of matched fact-checks."""
    article = audit.article
    iri = article_iri(audit)
    publisher = _publisher(audit)
    node: dict[str, Any] = {"@id": iri, "@type": "NewsArticle", "na:articleId": article.id}
    _put(node, "headline", article.title)
    _put(node, "url", iri if iri.startswith("http") else None)
    _put(node, "datePublished", article.published)
    _put(node, "inLanguage", article.language)
    if article.authors:
        node["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if publisher:
        node["publisher"] = publisher
    if audit.credibility is not None:
        node["na:credibility"] = _credibility(audit)
    if audit.story is not None:
        node["na:story"] = {"@type": "na:Story", "na:storyId": audit.story.id, "na:size": audit.story.size,
                            "na:independentOrigins": audit.story.origins}  # fmt: skip
    nodes = [node]
    support = {item.claim: item for item in (audit.story.claims if audit.story else ())}
    for index, claim in enumerate(audit.claims):
        nodes.append(_claim(audit, index, claim, iri, publisher, support.get(index)))
        nodes.extend(_reviews(audit, claim))
    return nodes


def _put(node: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", ()):
        node[key] = value


def _publisher(audit: Audit) -> dict[str, Any] | None:
    name = audit.article.site_name or audit.article.domain
    if not name:
        return None
    publisher: dict[str, Any] = {"@type": "Organization", "name": name}
    if audit.article.domain:
        publisher["url"] = f"https://{audit.article.domain}/"
    return publisher


def _claim(
    audit: Audit, index: int, claim: Claim, iri: str, publisher: dict[str, Any] | None, support: Any
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": claim_iri(audit, claim),
        "@type": "Claim",
        "text": claim.span.text,
        "appearance": {"@id": iri},
        "na:startOffset": claim.span.start,
        "na:endOffset": claim.span.end,
        "na:checkworthiness": claim.score,
        "na:rank": claim.rank,
        "na:sourceKind": claim.source_kind,
        "na:hedged": bool(claim.hedges),
        "na:denied": bool(claim.denials),
    }
    author = _claim_author(audit, claim, publisher)
    if author is not None:
        node["author"] = author
    if support is not None:
        node["na:corroboration"] = support.corroboration
        first = _first_appearance(audit, support)
        if first is not None:
            node["firstAppearance"] = first
    return node


def _claim_author(audit: Audit, claim: Claim, publisher: dict[str, Any] | None) -> dict[str, Any] | None:
    if claim.attribution is None or not 0 <= claim.attribution < len(audit.attributions):
        return publisher  # unattributed: the outlet says it itself
    source = audit.attributions[claim.attribution].source
    if source is None:
        return publisher
    if source.kind == "anonymous":
        return {"@type": "Person", "na:anonymous": True, "description": source.text}
    kind = "Organization" if source.kind in _ORGANISATIONS else "Person"
    author: dict[str, Any] = {"@type": kind, "na:sourceKind": source.kind}
    if source.name:
        author["name"] = source.name
    else:
        author["description"] = source.text
    return author


def _first_appearance(audit: Audit, support: Any) -> dict[str, Any] | None:
    """The earliest dated article of the story among this one and those that carry the claim."""
    from newsaudit.stores.corpus.matches import date_key

    story = audit.story
    carriers = set(support.carried_by) | {audit.article.id}
    members = [member for member in story.members if member.id in carriers and member.published]
    if audit.article.published and all(member.id != audit.article.id for member in members):
        members.append(None)  # this article, when the story lists it under another id or not at all
    if not members:
        return None

    def key(member: Any) -> tuple:
        return date_key(member.published if member is not None else audit.article.published)

    first = min(members, key=key)
    if first is None or first.id == audit.article.id:
        return {"@id": article_iri(audit)}
    url = first.url if first.url and first.url.startswith(("http://", "https://")) else None
    node: dict[str, Any] = {"@id": url or f"urn:newsaudit:article:{first.id}", "@type": "NewsArticle"}
    _put(node, "url", url)
    _put(node, "headline", first.title)
    _put(node, "datePublished", first.published)
    return node


def _reviews(audit: Audit, claim: Claim) -> list[dict[str, Any]]:
    reviews = []
    for match in claim.factchecks:
        if not match.url or not match.verdict:
            continue  # without its url and rating a fact-check is not passed on as a review
        review: dict[str, Any] = {
            "@id": f"{claim_iri(audit, claim)}:review:{len(reviews)}",
            "@type": "ClaimReview",
            "url": match.url,
            "claimReviewed": match.claim_reviewed,
            "itemReviewed": {"@id": claim_iri(audit, claim)},
            "reviewRating": {"@type": "Rating", "alternateName": match.verdict},
            "na:matchScore": match.score,
        }
        _put(review, "datePublished", match.date)
        if match.publisher:
            review["author"] = {"@type": "Organization", "name": match.publisher}
        reviews.append(review)
    return reviews


def _credibility(audit: Audit) -> dict[str, Any]:
    found = audit.credibility
    node: dict[str, Any] = {
        "@type": "na:CredibilityAssessment",
        "na:label": found.label,
        "na:assessed": found.assessed,
        "na:model": found.model,
    }
    if found.assessed:
        node["na:score"] = found.score
        node["na:probabilityLow"] = found.probability_low
    _put(node, "na:reason", found.reason)
    _put(node, "na:reputation", found.reputation)
    node["na:signal"] = [_signal(signal) for signal in audit.signals]
    return node


def _signal(signal: Any) -> dict[str, Any]:
    return {
        "@type": "na:Signal",
        "na:name": signal.name,
        "na:value": signal.value,
        "na:direction": signal.direction,
        "na:weight": signal.weight,
        "description": signal.explanation,
    }
