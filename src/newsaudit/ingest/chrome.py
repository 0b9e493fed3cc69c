"""Cut site chrome (badges, comment boxes, related-link inserts, share bars, newsletter boxes) out of
already-scraped article text, keeping every removed piece with its kind.

The rules work paragraph by paragraph and are deliberately conservative: a paragraph is chrome only when it is
short *and* its whole text matches a pattern from `lexicons/chrome.toml`, so article prose is never cut for
merely mentioning comments or sharing. The one rule that removes more than a paragraph is the comment box:
once its opening line appears in the second half of the text, everything after it is the box.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from newsaudit.resources import package_text

# Symbols a template puts around chrome text: ticks, stars, bullets, arrows are kept for related-link
# patterns (they carry meaning there), so only these neutral ones are stripped before matching.
_EDGE_SYMBOLS = " \t\u00a0|•·*✓✔☑★☆✅-–—:"
_WORD = re.compile(r"[\w+'’%:-]+")


@dataclass(frozen=True, slots=True)
class ChromeRules:
    """Compiled chrome patterns; build with `ChromeRules.default()` or from another TOML lexicon."""

    badge: tuple[re.Pattern[str], ...]
    badge_max_words: int
    comment_box: tuple[re.Pattern[str], ...]
    comment_box_max_words: int
    comment_box_min_position: float
    related_link: tuple[re.Pattern[str], ...]
    related_link_max_words: int
    share_words: frozenset[str]
    share_anchors: frozenset[str]
    share_max_words: int
    newsletter: tuple[re.Pattern[str], ...]
    newsletter_max_words: int

    @classmethod
    def from_toml(cls, text: str) -> ChromeRules:
        data = tomllib.loads(text)

        def compile_all(kind: str) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(pattern, re.IGNORECASE) for pattern in data[kind]["patterns"])

        return cls(
            badge=compile_all("badge"),
            badge_max_words=data["badge"]["max_words"],
            comment_box=compile_all("comment_box"),
            comment_box_max_words=data["comment_box"]["max_words"],
            comment_box_min_position=data["comment_box"]["min_position"],
            related_link=compile_all("related_link"),
            related_link_max_words=data["related_link"]["max_words"],
            share_words=frozenset(data["share_bar"]["words"]),
            share_anchors=frozenset(data["share_bar"]["anchors"]),
            share_max_words=data["share_bar"]["max_words"],
            newsletter=compile_all("newsletter"),
            newsletter_max_words=data["newsletter"]["max_words"],
        )

    @classmethod
    @cache
    def default(cls) -> ChromeRules:
        return cls.from_toml(package_text("lexicons/chrome.toml"))


@dataclass(frozen=True, slots=True)
class ChromeCut:
    """One removed run of paragraphs: `index` is the position of its first paragraph in the input."""

    kind: str
    index: int
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def split_chrome(
    paragraphs: Sequence[str], rules: ChromeRules | None = None
) -> tuple[list[str], list[tuple[int, ChromeCut]]]:
    """Split `paragraphs` into the article's own paragraphs and the chrome cut from among them.

    Returns `(kept, cuts)`, where each cut comes with the number of kept paragraphs before it, so the caller
    can say where in the cleaned text it stood.
    """
    rules = rules or ChromeRules.default()
    kinds = [classify_paragraph(paragraph, rules) for paragraph in paragraphs]
    box_start = _comment_box_start(paragraphs, rules)
    if box_start is not None:
        kinds[box_start:] = ["comment_box"] * (len(paragraphs) - box_start)

    kept: list[str] = []
    cuts: list[tuple[int, ChromeCut]] = []
    for index, (paragraph, kind) in enumerate(zip(paragraphs, kinds, strict=True)):
        if kind is None:
            kept.append(paragraph)
        elif kind == "comment_box" and cuts and cuts[-1][1].kind == "comment_box":
            # One comment box, however many lines it has.
            position, previous = cuts[-1]
            cuts[-1] = (position, ChromeCut(kind, previous.index, (*previous.paragraphs, paragraph)))
        else:
            cuts.append((len(kept), ChromeCut(kind, index, (paragraph,))))
    return kept, cuts


def classify_paragraph(paragraph: str, rules: ChromeRules) -> str | None:
    """The chrome kind of one stand-alone paragraph, or None for article text."""
    folded = " ".join(paragraph.split())
    if not folded:
        return None
    words = _WORD.findall(folded.lower())
    n_words = len(words)
    stripped = folded.strip(_EDGE_SYMBOLS)
    if n_words <= rules.badge_max_words and _full_match(rules.badge, stripped.rstrip(".!")):
        return "badge"
    if n_words <= rules.related_link_max_words and _full_match(rules.related_link, folded):
        return "related_link"
    if (
        n_words <= rules.share_max_words
        and words
        and all(word.strip(":") in rules.share_words for word in words)
        and any(word.strip(":") in rules.share_anchors for word in words)
    ):
        return "share_bar"
    if n_words <= rules.newsletter_max_words and _full_match(rules.newsletter, stripped):
        return "newsletter"
    return None


def _comment_box_start(paragraphs: Sequence[str], rules: ChromeRules) -> int | None:
    first_allowed = int(len(paragraphs) * rules.comment_box_min_position)
    for index in range(first_allowed, len(paragraphs)):
        folded = " ".join(paragraphs[index].split()).strip(_EDGE_SYMBOLS)
        if (
            folded
            and len(_WORD.findall(folded)) <= rules.comment_box_max_words
            and _full_match(rules.comment_box, folded.rstrip(".!:"))
        ):
            return index
    return None


def _full_match(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    return any(pattern.fullmatch(text) for pattern in patterns)
