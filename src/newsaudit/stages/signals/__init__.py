"""The `signals` stage: what the earlier findings say about how far to trust the article, as named signals
that each point at their evidence.

A signal is a measurement, not a verdict: `value` is what was counted, `direction` which way it usually
points, `explanation` one sentence a person understands (saying what each figure counts: claims, sentences
or words), and the evidence is spans in the body (`evidence`), in the headline (`title_evidence`) or pieces
of removed site chrome (`removed`, indexes into `Article.removed`). The `credibility` stage later weighs them
(each one's `weight` and final `direction`). Signals that need more than the article come from earlier
stages' findings: fact-checks matched to the claims (`factchecks`, only when a store was searched), copying
found in a corpus (`reuse`, `newsaudit.stages.reuse.copying_signals`) and the site's reputation in loaded
source lists (`reputation`).

Rates (anonymous and unattributed shares of claims; hedges, loaded words and shouting per 1,000 words) are
shrunk toward the corpus rate by the text's size (`RatePrior`, priors in `lexicons/presentation.toml`): a
14-word body with one "reportedly" is weighed near the corpus rate, not as 71 hedges per 1,000 words. The
explanation gives the count as found and, where shrinking changed it, the figure weighed.

The signals (see `SIGNALS` for the order): anonymous_sourcing, unattributed_claims, named_sources,
hedge_density, denied_claims, factcheck_rating, certainty_gap, headline_stance, self_declared_badge,
related_link_inserts, clickbait_headline, loaded_language, shouting, readability, missing_byline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsaudit.schema import Article, Claim, FactCheckMatch, Signal, Span, Stance
from newsaudit.stages.registry import Context, stage
from newsaudit.stages.reuse import copying_signals
from newsaudit.stages.signals.presentation import (
    MAX_EVIDENCE,
    PresentationLexicon,
    RatePrior,
    chrome_signals,
    clickbait,
    loaded_language,
    loaded_spans,
    missing_byline,
    readability,
    shouting,
    shouting_spans,
    shrink_note,
    shrunk,
    unique_spans,
)
from newsaudit.stages.story import story_signals

if TYPE_CHECKING:
    from spacy.tokens import Doc

SIGNALS = (
    "anonymous_sourcing",
    "unattributed_claims",
    "named_sources",
    "hedge_density",
    "denied_claims",
    "factcheck_rating",
    "certainty_gap",
    "headline_stance",
    "self_declared_badge",
    "related_link_inserts",
    "clickbait_headline",
    "loaded_language",
    "shouting",
    "readability",
    "missing_byline",
)
#: The signals that are rates, shrunk toward the corpus rate on short texts (`rate_counts` counts them).
RATE_SIGNALS = ("anonymous_sourcing", "unattributed_claims", "hedge_density", "loaded_language", "shouting")
_ANONYMOUS_KINDS = frozenset({"anonymous", "unnamed_group"})
_NAMED_KINDS = frozenset({"person", "official", "organization", "outlet", "government"})

__all__ = [
    "MAX_EVIDENCE",
    "RATE_SIGNALS",
    "SIGNALS",
    "PresentationLexicon",
    "RatePrior",
    "find_signals",
    "rate_counts",
    "signals",
    "word_count",
]


@stage(
    "signals",
    requires=("sentences", "attributions", "sourcing", "hedges", "denials", "claims", "stance"),
    assigns=("signals",),
)
def signals(context: Context) -> dict[str, Any]:
    found = find_signals(context.article, context.doc, context.findings, context.english)
    found += copying_signals(context.findings.get("reuse", ()))
    found += story_signals(context.findings.get("story"), context.findings["claims"])
    reputation = context.findings.get("reputation")
    if reputation is not None:
        found += (reputation[1],)
    return {"signals": found}


def word_count(doc: Doc) -> int:
    """The words the rates are counted over (alphabetic tokens; at least 1)."""
    return max(sum(1 for token in doc if token.is_alpha), 1)


def find_signals(article: Article, doc: Doc, findings: dict[str, Any], english: bool = True) -> tuple[Signal, ...]:
    """Every text signal for one article, in `SIGNALS` order (those that need English are left out
    otherwise; the chrome and byline signals hold for any language)."""
    found: list[Signal] = []
    words = word_count(doc)
    if english:
        claims: tuple[Claim, ...] = findings.get("claims", ())
        found += _sourcing_signals(claims, findings)
        found.append(_hedge_density(findings, words))
        found.append(_denied_claims(claims, findings))
        rating = _factcheck_rating(claims, findings.get("factchecks", ()))
        if rating is not None:
            found.append(rating)
        stance: Stance | None = findings.get("stance")
        if stance is not None:
            found.append(_certainty_gap(article, stance))
            found.append(_headline_stance(article, stance))
    found += chrome_signals(article)
    if article.title:
        found.append(clickbait(article.title))
    if english:
        found.append(loaded_language(article.text, doc, words))
    found.append(shouting(article.text, words))
    if english:
        found.append(readability(doc, findings.get("sentences", ()), words))
    found.append(missing_byline(article))
    return tuple(found)


def rate_counts(article: Article, doc: Doc, findings: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(count, what it is counted over) for each rate signal of an English article, as found, before any
    shrinking: what the rate priors are measured on (`newsaudit.training.credibility`)."""
    claims: tuple[Claim, ...] = findings.get("claims", ())
    words = word_count(doc)
    return {
        "anonymous_sourcing": (sum(1 for c in claims if c.source_kind in _ANONYMOUS_KINDS), len(claims)),
        "unattributed_claims": (sum(1 for c in claims if c.source_kind == "unattributed"), len(claims)),
        "hedge_density": (len(_hedge_cues(findings)), words),
        "loaded_language": (len(loaded_spans(article.text, doc)), words),
        "shouting": (len(shouting_spans(article.text)), words),
    }


# -- sourcing ---------------------------------------------------------------------------------------------


def _sourcing_signals(claims: Sequence[Claim], findings: dict[str, Any]) -> list[Signal]:
    attributions = findings.get("attributions", ())
    total = len(claims)
    anonymous = [claim for claim in claims if claim.source_kind in _ANONYMOUS_KINDS]
    unattributed = [claim for claim in claims if claim.source_kind == "unattributed"]
    anonymous_sources = unique_spans(
        _source_span(attributions[claim.attribution]) for claim in anonymous if claim.attribution is not None
    )
    raw_anonymous, share_anonymous = shrunk("anonymous_sourcing", len(anonymous), total)
    raw_unattributed, share_unattributed = shrunk("unattributed_claims", len(unattributed), total)
    if total:
        anonymous_text = (
            f"{len(anonymous)} of {total} claims rest on anonymous sources or unnamed groups"
            f"{shrink_note('anonymous_sourcing', raw_anonymous, share_anonymous, percent=True)}."
        )
        unattributed_text = (
            f"{len(unattributed)} of {total} claims name no source at all"
            f"{shrink_note('unattributed_claims', raw_unattributed, share_unattributed, percent=True)}."
        )
    else:
        anonymous_text = f"No check-worthy claims to count; weighed at the corpus share, {share_anonymous:.0%}."
        unattributed_text = f"No check-worthy claims to count; weighed at the corpus share, {share_unattributed:.0%}."
    # The names the sourcing profile counts, so that the signal and the report's "N named" are one count.
    profile = findings.get("sourcing") or {}
    counted = set(profile["named_sources"]) if "named_sources" in profile else None
    first_mentions: dict[str, Span] = {}
    for attribution in attributions:
        source = attribution.source
        named_here = source is not None and source.kind in _NAMED_KINDS and source.name
        if named_here and (counted is None or source.name in counted):
            first_mentions.setdefault(source.name, Span(source.start, source.end, source.text))
    named = len(first_mentions)
    return [
        Signal(
            "anonymous_sourcing",
            round(share_anonymous, 3),
            "lowers" if anonymous else "neutral",
            anonymous_text,
            anonymous_sources[:MAX_EVIDENCE],
        ),
        Signal(
            "unattributed_claims",
            round(share_unattributed, 3),
            "lowers" if unattributed and share_unattributed >= 0.5 else "neutral",
            unattributed_text,
            tuple(claim.span for claim in sorted(unattributed, key=lambda c: c.rank)[:MAX_EVIDENCE]),
        ),
        Signal(
            "named_sources",
            float(named),
            "raises" if named >= 2 else "neutral",
            f"{named} distinct named source{'s' if named != 1 else ''} (people, organizations, outlets) "
            "speak in the article." + (f" Named: {', '.join(list(first_mentions)[:5])}." if named else ""),
            tuple(first_mentions.values())[:MAX_EVIDENCE],
        ),
    ]


def _source_span(attribution) -> Span | None:
    source = attribution.source
    return None if source is None else Span(source.start, source.end, source.text)


def _hedge_cues(findings: dict[str, Any]) -> list:
    return [hedge for hedge in findings.get("hedges", ()) if hedge.kind != "approximation"]


def _hedge_density(findings: dict[str, Any], words: int) -> Signal:
    hedges = _hedge_cues(findings)
    raw, per_thousand = shrunk("hedge_density", len(hedges), words, 1000)
    kinds = sorted({hedge.kind for hedge in hedges})
    return Signal(
        "hedge_density",
        round(per_thousand, 2),
        "lowers" if per_thousand >= 10 else "neutral",
        f"{len(hedges)} uncertainty or distancing marker{'s' if len(hedges) != 1 else ''} in {words} words "
        f"({raw:.1f} per 1,000 words{shrink_note('hedge_density', raw, per_thousand, 1000)})"
        + (f": {', '.join(kinds)}." if kinds else "."),
        tuple(hedge.cue for hedge in hedges[:MAX_EVIDENCE]),
    )


def _denied_claims(claims: Sequence[Claim], findings: dict[str, Any]) -> Signal:
    denials = findings.get("denials", ())
    disputing = sorted({number for claim in claims for number in claim.denials})
    disputed = [claim for claim in claims if claim.denials]
    evidence: list[Span] = []
    for number in disputing:
        evidence.append(denials[number].cue)
    evidence += [claim.span for claim in disputed]
    who = unique_spans(
        Span(d.source.start, d.source.end, d.source.text) for d in (denials[n] for n in disputing) if d.source
    )
    return Signal(
        "denied_claims",
        float(len(disputed)),
        "lowers" if disputed else "neutral",
        f"{len(disputed)} of the article's {len(claims)} claims are denied or contradicted in its text"
        + (f", by {', '.join(span.text for span in who[:3])}." if who else "."),
        unique_spans(evidence)[:MAX_EVIDENCE],
    )


def _factcheck_rating(claims: Sequence[Claim], matches: Sequence[Sequence[FactCheckMatch]]) -> Signal | None:
    """Claims that a published fact-check rated false, unproven or alike; None when no store was searched
    (the `factchecks` stage then gives no tuple per claim). A claim the article itself denies or disputes
    does not count: a false rating then agrees with the article."""
    if not claims or len(matches) != len(claims):
        return None
    lexicon = PresentationLexicon.default()
    rated: list[tuple[Claim, FactCheckMatch]] = []
    for claim, found in zip(claims, matches, strict=True):
        if {"denied", "denial"} & set(claim.status):
            continue
        false = [match for match in found if lexicon.rated_false(match.verdict)]
        if false:
            rated.append((claim, max(false, key=lambda match: match.score)))
    matched = sum(1 for found in matches if found)
    if not rated:
        explanation = (
            f"None of the {len(claims)} claims matches a published fact-check rated false or unproven "
            f"({matched} claim{'s' if matched != 1 else ''} matched a fact-check)."
        )
    else:
        cited = "; ".join(
            f'"{claim.span.text[:80]}" (rated "{match.verdict}"'
            + (f" by {match.publisher}" if match.publisher else "")
            + (f", {match.url}" if match.url else "")
            + f", match {match.score:.2f})"
            for claim, match in rated[:3]
        )
        explanation = (
            f"{len(rated)} of the {len(claims)} claims match{'es' if len(rated) == 1 else ''} a published "
            f"fact-check rated false or unproven: {cited}."
        )
    return Signal(
        "factcheck_rating",
        float(len(rated)),
        "lowers" if rated else "neutral",
        explanation,
        tuple(claim.span for claim, _ in rated[:MAX_EVIDENCE]),
    )


# -- headline ---------------------------------------------------------------------------------------------


def _certainty_gap(article: Article, stance: Stance) -> Signal:
    gaps = stance.certainty_gaps
    evidence = unique_spans(span for gap in gaps for span in (gap.statement, *gap.evidence))
    reasons = sorted({reason.split(" (")[0] for gap in gaps for reason in gap.reasons})
    title = article.title or ""
    return Signal(
        "certainty_gap",
        float(len(gaps)),
        "lowers" if gaps else "neutral",
        (
            f"The headline states flatly what {len(gaps)} body statement"
            f"{'s weaken' if len(gaps) != 1 else ' weakens'}: {', '.join(reasons)}."
        )
        if gaps
        else "The headline claims no more certainty than the body.",
        evidence[:MAX_EVIDENCE],
        title_evidence=(Span(0, len(title), title),) if gaps and title else (),
    )


def _headline_stance(article: Article, stance: Stance) -> Signal:
    probabilities = stance.probabilities
    mismatch = probabilities.get("disagree", 0.0) + probabilities.get("unrelated", 0.0)
    words = {
        "agree": "The body supports the headline.",
        "discuss": "The body discusses the headline's claim without taking it as settled.",
        "disagree": "The body contradicts its own headline.",
        "unrelated": "The body is not about what the headline says.",
    }
    return Signal(
        "headline_stance",
        round(mismatch, 3),
        "lowers" if stance.label in ("disagree", "unrelated") else "neutral",
        f"{words.get(stance.label, stance.label)} (stance {stance.label}).",
        title_evidence=(_headline_span(article.title or "", stance.headline),),
    )


def _headline_span(title: str, headline: str) -> Span:
    """Where the stance's headline (the title without its outer white space) stands in the title."""
    start = len(title) - len(title.lstrip())
    return Span(start, start + len(headline), headline)
