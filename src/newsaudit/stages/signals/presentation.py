"""The signals read from how the article is presented: site chrome (badges, related-link inserts), the
headline's clickbait devices, loaded language, shouting, readability and the byline; the presentation
lexicon they use (`lexicons/presentation.toml`), with the corpus rates that short texts' rates are shrunk
toward (`RatePrior`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsaudit.nlp import lemma
from newsaudit.resources import package_text
from newsaudit.schema import Article, Signal, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: At most this many evidence spans per signal (the report links each one; more adds nothing).
MAX_EVIDENCE = 8
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
class RatePrior:
    """The corpus rate of one rate signal (per word or per claim) and the prior's worth in those units: a
    short text's count is shrunk toward the corpus rate, so one "reportedly" in 14 words is not read as
    71 hedges per 1,000 words (`(count + rate × weight) / (n + weight)`, an empirical-Bayes estimate)."""

    rate: float
    weight: float
    unit: str

    def shrink(self, count: float, n: float) -> float:
        return (count + self.rate * self.weight) / (n + self.weight)


@dataclass(frozen=True, slots=True)
class PresentationLexicon:
    """Loaded words and phrases, clickbait phrases and list nouns, the fact-check ratings that count as false
    and the rate priors (`lexicons/presentation.toml`)."""

    loaded_words: frozenset[str]
    loaded_phrases: re.Pattern[str] | None
    clickbait_phrases: re.Pattern[str]
    list_nouns: frozenset[str]
    false_ratings: tuple[str, ...] = ()
    priors: dict[str, RatePrior] | None = None

    @classmethod
    @cache
    def default(cls) -> PresentationLexicon:
        data = tomllib.loads(package_text("lexicons/presentation.toml"))
        words: set[str] = set()
        phrases: set[str] = set()
        for group in data["loaded"].values():
            words.update(word.lower() for word in group.get("words", []))
            phrases.update(phrase.lower() for phrase in group.get("phrases", []))
        priors = {
            name: RatePrior(float(entry["rate"]), float(entry["weight"]), str(entry["unit"]))
            for name, entry in data.get("shrinkage", {}).items()
            if isinstance(entry, dict)
        }
        return cls(
            loaded_words=frozenset(words),
            loaded_phrases=_alternation(phrases) if phrases else None,
            clickbait_phrases=_alternation(data["clickbait"]["phrases"]),
            list_nouns=frozenset(data["clickbait"]["list_nouns"]),
            false_ratings=tuple(sorted({normal_rating(r) for r in data.get("factcheck", {}).get("false", [])})),
            priors=priors,
        )

    def prior(self, name: str) -> RatePrior | None:
        return (self.priors or {}).get(name)

    def rated_false(self, verdict: str | None) -> bool:
        """Whether a fact-check's verdict says false, unproven or alike: the whole verdict, or its opening
        words before punctuation ("False. The photo is from 2015")."""
        rating = normal_rating(verdict or "")
        return any(rating == word or rating.startswith(word + " ") for word in self.false_ratings) and bool(rating)


def normal_rating(verdict: str) -> str:
    """A verdict lower-cased with hyphens and punctuation as spaces ("Pants-on-Fire!" → "pants on fire")."""
    return " ".join(re.sub(r"[^\w]+", " ", verdict.lower()).split())


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)", re.IGNORECASE)


def unique_spans(spans: Iterable[Span | None]) -> tuple[Span, ...]:
    """The spans without repeats, in text order."""
    seen: dict[tuple[int, int], Span] = {}
    for span in spans:
        if span is not None:
            seen.setdefault((span.start, span.end), span)
    return tuple(sorted(seen.values(), key=lambda span: span.start))


def shrunk(name: str, count: float, n: float, scale: float = 1.0) -> tuple[float, float]:
    """The rate as counted and as weighed (shrunk toward the corpus rate when the lexicon has a prior), both
    times `scale` (1,000 for rates per 1,000 words). With nothing counted over (n = 0) the raw rate is 0."""
    raw = scale * count / n if n else 0.0
    prior = PresentationLexicon.default().prior(name)
    return raw, (scale * prior.shrink(count, n) if prior is not None else raw)


def shrink_note(name: str, raw: float, weighed: float, scale: float = 1.0, percent: bool = False) -> str:
    """ "; weighed as …" when shrinking changed the figure as shown, else nothing."""
    prior = PresentationLexicon.default().prior(name)
    shown = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:.1f}")
    if prior is None or shown(raw) == shown(weighed):
        return ""
    few = "claims this few" if prior.unit == "claim" else "a text this short"
    return f"; weighed as {shown(weighed)}, shrunk toward the corpus rate of {shown(scale * prior.rate)} for {few}"


# -- headline -----------------------------------------------------------------------------------------


def clickbait(title: str) -> Signal:
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
        title_evidence=unique_spans(spans)[:MAX_EVIDENCE],
    )


# -- site chrome ----------------------------------------------------------------------------------------


def chrome_signals(article: Article) -> list[Signal]:
    badges = [index for index, piece in enumerate(article.removed) if piece.kind == "badge"]
    links = [index for index, piece in enumerate(article.removed) if piece.kind == "related_link"]
    left = _link_inserts_in_text(article)
    return [
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


def _link_inserts_in_text(article: Article) -> list[Span]:
    text = article.text
    found = []
    for paragraph in article.paragraphs:
        if len(paragraph.text.split()) <= 30 and _LINK_INSERT.match(paragraph.text):
            found.append(Span(paragraph.start, paragraph.end, text[paragraph.start : paragraph.end]))
    return found


# -- language -------------------------------------------------------------------------------------------


def loaded_spans(text: str, doc: Doc) -> list[Span]:
    """Every loaded word or phrase of the lexicon in the text, once each."""
    lexicon = PresentationLexicon.default()
    spans = [
        Span(token.idx, token.idx + len(token.text), token.text)
        for token in doc
        if token.is_alpha and (token.lower_ in lexicon.loaded_words or lemma(token) in lexicon.loaded_words)
    ]
    if lexicon.loaded_phrases is not None:
        spans += [Span(m.start(), m.end(), m.group()) for m in lexicon.loaded_phrases.finditer(text)]
    return list(unique_spans(spans))


def loaded_language(text: str, doc: Doc, words: int) -> Signal:
    spans = loaded_spans(text, doc)
    raw, weighed = shrunk("loaded_language", len(spans), words, 1000)
    examples = list(dict.fromkeys(span.text.lower() for span in spans))[:5]
    return Signal(
        "loaded_language",
        round(weighed, 2),
        "lowers" if weighed >= 5 else "neutral",
        f"{len(spans)} loaded or emotional word{'s' if len(spans) != 1 else ''} in {words} words "
        f"({raw:.1f} per 1,000 words{shrink_note('loaded_language', raw, weighed, 1000)})"
        + (f": {', '.join(examples)}." if examples else "."),
        tuple(spans[:MAX_EVIDENCE]),
    )


def shouting_spans(text: str) -> list[Span]:
    """Words in capitals (not common acronyms) and runs of exclamation marks, in text order."""
    spans = [Span(m.start(), m.end(), m.group()) for m in _CAPS_WORD.finditer(text) if m.group() not in _COMMON_CAPS]
    spans += [Span(m.start(), m.end(), m.group()) for m in re.finditer(r"!+", text)]
    return sorted(spans, key=lambda s: s.start)


def shouting(text: str, words: int) -> Signal:
    spans = shouting_spans(text)
    raw, weighed = shrunk("shouting", len(spans), words, 1000)
    return Signal(
        "shouting",
        round(weighed, 2),
        "lowers" if weighed >= 5 else "neutral",
        f"{len(spans)} words in capitals or exclamation marks in the body's {words} words "
        f"({raw:.1f} per 1,000 words{shrink_note('shouting', raw, weighed, 1000)}).",
        tuple(spans[:MAX_EVIDENCE]),
    )


def readability(doc: Doc, sentences: Sequence, words: int) -> Signal:
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


def missing_byline(article: Article) -> Signal:
    missing = not article.authors
    return Signal(
        "missing_byline",
        1.0 if missing else 0.0,
        "neutral",
        "No author is named." if missing else f"By {', '.join(article.authors[:3])}.",
    )
