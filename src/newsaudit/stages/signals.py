"""The `signals` stage: what the earlier findings say about how far to trust the article, as named signals
that each point at their evidence.

A signal is a measurement, not a verdict: `value` is what was counted, `direction` which way it usually
points, `explanation` one sentence a person understands, and the evidence is spans in the body (`evidence`),
in the headline (`title_evidence`) or pieces of removed site chrome (`removed`, indexes into
`Article.removed`). The `credibility` stage later weighs them (each one's `weight` and final `direction`).
Signals that need more than the article come from earlier stages' findings: copying found in a corpus
(`reuse`, `newsaudit.stages.reuse.copying_signals`) and the site's reputation in loaded source lists
(`reputation`); this stage puts them after the text signals.

The signals (see `SIGNALS` for the order): anonymous_sourcing, unattributed_claims, named_sources,
hedge_density, denied_claims, certainty_gap, headline_stance, self_declared_badge, related_link_inserts,
clickbait_headline, loaded_language, shouting, readability, missing_byline.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from newsaudit.nlp import lemma
from newsaudit.resources import package_text
from newsaudit.schema import Article, Claim, Signal, Span, Stance
from newsaudit.stages.registry import Context, stage
from newsaudit.stages.reuse import copying_signals

if TYPE_CHECKING:
    from spacy.tokens import Doc

SIGNALS = (
    "anonymous_sourcing",
    "unattributed_claims",
    "named_sources",
    "hedge_density",
    "denied_claims",
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
#: At most this many evidence spans per signal (the report links each one; more adds nothing).
MAX_EVIDENCE = 8
_ANONYMOUS_KINDS = frozenset({"anonymous", "unnamed_group"})
_NAMED_KINDS = frozenset({"person", "official", "organization", "outlet", "government"})
# A paragraph left in the body that points at another story: "READ MORE: …", "Related: …", "[Headline]".
_LINK_INSERT = re.compile(
    r"^\s*(?:\[[^\]\n]{8,200}\]|(?:read|see|watch)(?: also| more)?\s*[:|»>-]|(?:related|also read|more)\s*[:|»>])",
    re.IGNORECASE,
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’-]{3,}\b")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
# Acronyms and units written in capitals that are not shouting.
_COMMON_CAPS = frozenset({"NATO", "ISIS", "ISIL", "COVID", "UNESCO", "UNICEF", "NASA", "OPEC", "FIFA", "AIDS"})


@dataclass(frozen=True, slots=True)
class PresentationLexicon:
    """Loaded words and phrases, clickbait phrases and list nouns (`lexicons/presentation.toml`)."""

    loaded_words: frozenset[str]
    loaded_phrases: re.Pattern[str] | None
    clickbait_phrases: re.Pattern[str]
    list_nouns: frozenset[str]

    @classmethod
    @cache
    def default(cls) -> PresentationLexicon:
        data = tomllib.loads(package_text("lexicons/presentation.toml"))
        words: set[str] = set()
        phrases: set[str] = set()
        for group in data["loaded"].values():
            words.update(word.lower() for word in group.get("words", []))
            phrases.update(phrase.lower() for phrase in group.get("phrases", []))
        return cls(
            loaded_words=frozenset(words),
            loaded_phrases=_alternation(phrases) if phrases else None,
            clickbait_phrases=_alternation(data["clickbait"]["phrases"]),
            list_nouns=frozenset(data["clickbait"]["list_nouns"]),
        )


def _alternation(phrases: Sequence[str]) -> re.Pattern[str]:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)", re.IGNORECASE)


@stage(
    "signals",
    requires=("sentences", "attributions", "sourcing", "hedges", "denials", "claims", "stance"),
    assigns=("signals",),
)
def signals(context: Context) -> dict[str, Any]:
    found = find_signals(context.article, context.doc, context.findings, context.english)
    found += copying_signals(context.findings.get("reuse", ()))
    reputation = context.findings.get("reputation")
    if reputation is not None:
        found += (reputation[1],)
    return {"signals": found}


def find_signals(article: Article, doc: Doc, findings: dict[str, Any], english: bool = True) -> tuple[Signal, ...]:
    """Every text signal for one article, in `SIGNALS` order (those that need English are left out
    otherwise; the chrome and byline signals hold for any language)."""
    found: list[Signal] = []
    words = max(sum(1 for token in doc if token.is_alpha), 1)
    if english:
        claims: tuple[Claim, ...] = findings.get("claims", ())
        found += _sourcing_signals(claims, findings)
        found.append(_hedge_density(findings, words))
        found.append(_denied_claims(claims, findings))
        stance: Stance | None = findings.get("stance")
        if stance is not None:
            found.append(_certainty_gap(article, stance))
            found.append(_headline_stance(article, stance))
    found += _chrome_signals(article)
    if article.title:
        found.append(_clickbait(article.title))
    if english:
        found.append(_loaded_language(article.text, doc, words))
    found.append(_shouting(article.text, words))
    if english:
        found.append(_readability(doc, findings.get("sentences", ()), words))
    found.append(_missing_byline(article))
    return tuple(found)


# -- sourcing ---------------------------------------------------------------------------------------------


def _sourcing_signals(claims: Sequence[Claim], findings: dict[str, Any]) -> list[Signal]:
    attributions = findings.get("attributions", ())
    total = len(claims)
    anonymous = [claim for claim in claims if claim.source_kind in _ANONYMOUS_KINDS]
    unattributed = [claim for claim in claims if claim.source_kind == "unattributed"]
    anonymous_sources = _unique(
        _source_span(attributions[claim.attribution]) for claim in anonymous if claim.attribution is not None
    )
    if total:
        share_anonymous = len(anonymous) / total
        anonymous_text = f"{len(anonymous)} of {total} claims rest on anonymous sources or unnamed groups."
    else:
        # No check-worthy claims: fall back on the share of all sentences resting on such sources.
        profile = findings.get("sourcing") or {}
        share_anonymous = float(profile.get("share_anonymous_or_unnamed", 0.0))
        anonymous_sources = _unique(
            _source_span(a) for a in attributions if a.source is not None and a.source.kind in _ANONYMOUS_KINDS
        )
        anonymous_text = (
            f"No check-worthy claims; {share_anonymous:.0%} of the sentences rest on anonymous sources or "
            "unnamed groups."
        )
    share_unattributed = len(unattributed) / total if total else 0.0
    first_mentions: dict[str, Span] = {}
    for attribution in attributions:
        source = attribution.source
        if source is not None and source.kind in _NAMED_KINDS and source.name:
            first_mentions.setdefault(source.name, Span(source.start, source.end, source.text))
    named = len(first_mentions)
    return [
        Signal(
            "anonymous_sourcing",
            round(share_anonymous, 3),
            "lowers" if share_anonymous > 0 else "neutral",
            anonymous_text,
            anonymous_sources[:MAX_EVIDENCE],
        ),
        Signal(
            "unattributed_claims",
            round(share_unattributed, 3),
            "lowers" if share_unattributed >= 0.5 else "neutral",
            f"{len(unattributed)} of {total} claims name no source at all." if total else "No claims to source.",
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


def _unique(spans) -> tuple[Span, ...]:
    seen: dict[tuple[int, int], Span] = {}
    for span in spans:
        if span is not None:
            seen.setdefault((span.start, span.end), span)
    return tuple(sorted(seen.values(), key=lambda span: span.start))


def _hedge_density(findings: dict[str, Any], words: int) -> Signal:
    hedges = [hedge for hedge in findings.get("hedges", ()) if hedge.kind != "approximation"]
    per_thousand = 1000 * len(hedges) / words
    kinds = sorted({hedge.kind for hedge in hedges})
    return Signal(
        "hedge_density",
        round(per_thousand, 2),
        "lowers" if per_thousand >= 10 else "neutral",
        f"{len(hedges)} uncertainty or distancing marker{'s' if len(hedges) != 1 else ''} "
        f"({per_thousand:.1f} per 1,000 words)" + (f": {', '.join(kinds)}." if kinds else "."),
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
    who = _unique(
        Span(d.source.start, d.source.end, d.source.text) for d in (denials[n] for n in disputing) if d.source
    )
    return Signal(
        "denied_claims",
        float(len(disputed)),
        "lowers" if disputed else "neutral",
        f"{len(disputed)} of the article's own claims are denied or contradicted in its text"
        + (f", by {', '.join(span.text for span in who[:3])}." if who else "."),
        _unique(evidence)[:MAX_EVIDENCE],
    )


# -- headline ---------------------------------------------------------------------------------------------


def _certainty_gap(article: Article, stance: Stance) -> Signal:
    gaps = stance.certainty_gaps
    evidence = _unique(span for gap in gaps for span in (gap.statement, *gap.evidence))
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


def _clickbait(title: str) -> Signal:
    lexicon = PresentationLexicon.default()
    devices: list[str] = []
    spans: list[Span] = []
    for match in lexicon.clickbait_phrases.finditer(title):
        devices.append(f'"{match.group()}"')
        spans.append(Span(match.start(), match.end(), match.group()))
    for match in _CAPS_WORD.finditer(title):
        if match.group() not in _COMMON_CAPS and not title.isupper():
            devices.append("a word in capitals")
            spans.append(Span(match.start(), match.end(), match.group()))
    if title.isupper() and len(title) > 12:
        devices.append("the whole headline in capitals")
        spans.append(Span(0, len(title), title))
    for match in re.finditer(r"[!?]{1,3}", title):
        if match.group().startswith("!") or len(match.group()) > 1:
            devices.append("an exclamation mark" if "!" in match.group() else "repeated question marks")
            spans.append(Span(match.start(), match.end(), match.group()))
    opening = re.match(r"\s*(\d{1,2})\s+(\w+)", title)
    if opening and opening.group(2).lower() in lexicon.list_nouns:
        devices.append("a numbered list")
        spans.append(Span(opening.start(1), opening.end(2), opening.group(0).strip()))
    match = re.search(r"\byou(r)?\b", title, re.IGNORECASE)
    if match:
        devices.append("addresses the reader")
        spans.append(Span(match.start(), match.end(), match.group()))
    count = len(devices)
    return Signal(
        "clickbait_headline",
        float(count),
        "lowers" if count else "neutral",
        f"The headline uses {count} clickbait device{'s' if count != 1 else ''}"
        + (f": {', '.join(dict.fromkeys(devices))}." if devices else "."),
        title_evidence=_unique(spans)[:MAX_EVIDENCE],
    )


# -- site chrome ----------------------------------------------------------------------------------------


def _chrome_signals(article: Article) -> list[Signal]:
    badges = [index for index, piece in enumerate(article.removed) if piece.kind == "badge"]
    links = [index for index, piece in enumerate(article.removed) if piece.kind == "related_link"]
    left = _link_inserts_in_text(article)
    found = [
        Signal(
            "self_declared_badge",
            float(len(badges)),
            "lowers" if badges else "neutral",
            (
                "The page awards itself a trust badge ("
                + ", ".join(f'"{article.removed[i].text.strip()[:40]}"' for i in badges[:3])
                + "): a site's own stamp is no fact-check."
            )
            if badges
            else "No self-awarded trust badge.",
            removed=tuple(badges),
        ),
        Signal(
            "related_link_inserts",
            float(len(links) + len(left)),
            "lowers" if links or left else "neutral",
            f"{len(links) + len(left)} related-story insert{'s' if len(links) + len(left) != 1 else ''} "
            "inside the body, a trace of text pasted from another site with its links."
            if links or left
            else "No related-story inserts inside the body.",
            evidence=tuple(left[:MAX_EVIDENCE]),
            removed=tuple(links),
        ),
    ]
    return found


def _link_inserts_in_text(article: Article) -> list[Span]:
    text = article.text
    found = []
    for paragraph in article.paragraphs:
        if len(paragraph.text.split()) <= 30 and _LINK_INSERT.match(paragraph.text):
            found.append(Span(paragraph.start, paragraph.end, text[paragraph.start : paragraph.end]))
    return found


# -- language -------------------------------------------------------------------------------------------


def _loaded_language(text: str, doc: Doc, words: int) -> Signal:
    lexicon = PresentationLexicon.default()
    spans = [
        Span(token.idx, token.idx + len(token.text), token.text)
        for token in doc
        if token.is_alpha and (token.lower_ in lexicon.loaded_words or lemma(token) in lexicon.loaded_words)
    ]
    if lexicon.loaded_phrases is not None:
        spans += [Span(m.start(), m.end(), m.group()) for m in lexicon.loaded_phrases.finditer(text)]
    spans = list(_unique(spans))
    per_thousand = 1000 * len(spans) / words
    examples = list(dict.fromkeys(span.text.lower() for span in spans))[:5]
    return Signal(
        "loaded_language",
        round(per_thousand, 2),
        "lowers" if per_thousand >= 5 else "neutral",
        f"{len(spans)} loaded or emotional word{'s' if len(spans) != 1 else ''} ({per_thousand:.1f} per 1,000 words)"
        + (f": {', '.join(examples)}." if examples else "."),
        tuple(spans[:MAX_EVIDENCE]),
    )


def _shouting(text: str, words: int) -> Signal:
    spans = [Span(m.start(), m.end(), m.group()) for m in _CAPS_WORD.finditer(text) if m.group() not in _COMMON_CAPS]
    spans += [Span(m.start(), m.end(), m.group()) for m in re.finditer(r"!+", text)]
    per_thousand = 1000 * len(spans) / words
    return Signal(
        "shouting",
        round(per_thousand, 2),
        "lowers" if per_thousand >= 5 else "neutral",
        f"{len(spans)} words in capitals or exclamation marks in the body ({per_thousand:.1f} per 1,000 words).",
        tuple(sorted(spans, key=lambda s: s.start)[:MAX_EVIDENCE]),
    )


def _readability(doc: Doc, sentences: Sequence, words: int) -> Signal:
    """Flesch reading ease (higher = easier; news agency copy scores roughly 30–60)."""
    syllables = sum(_syllables(token.lower_) for token in doc if token.is_alpha)
    n_sentences = max(len(sentences), 1)
    ease = 206.835 - 1.015 * (words / n_sentences) - 84.6 * (syllables / words)
    return Signal(
        "readability",
        round(ease, 1),
        "neutral",
        f"Flesch reading ease {ease:.0f} ({words / n_sentences:.0f} words per sentence).",
    )


def _syllables(word: str) -> int:
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and count > 1 and not word.endswith(("le", "ee")):
        count -= 1
    return max(count, 1)


def _missing_byline(article: Article) -> Signal:
    missing = not article.authors
    return Signal(
        "missing_byline",
        1.0 if missing else 0.0,
        "neutral",
        "No author is named." if missing else f"By {', '.join(article.authors[:3])}.",
    )
