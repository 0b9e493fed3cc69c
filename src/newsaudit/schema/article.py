"""The article as read: its metadata and the cleaned text every finding points into (`Span`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: The kinds of site chrome the readers cut out of already-scraped text (see `newsaudit.ingest.chrome`).
ChromeKind = Literal[
    "badge",
    "comment_box",
    "related_link",
    "share_bar",
    "newsletter",
    "byline",
    "footer",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range `[start, end)` in `Article.text`; `text` is kept for convenience."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        """The span of `text[start:end]`, checked so that no finding can point outside its article."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span [{start}, {end}) lies outside a text of {len(text)} characters")
        return cls(start, end, text[start:end])


@dataclass(frozen=True, slots=True)
class RemovedChrome:
    """A piece of site chrome cut out of the text; `at` is where it stood in the cleaned `Article.text`."""

    kind: str
    text: str
    at: int


@dataclass(frozen=True, slots=True)
class Article:
    """The article as read: metadata plus the cleaned body text all spans point into."""

    id: str
    url: str | None = None
    domain: str | None = None
    site_name: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    #: The cleaned body: paragraphs joined by a blank line, site chrome removed. Every span points in here.
    text: str = ""
    paragraphs: tuple[Span, ...] = ()
    removed: tuple[RemovedChrome, ...] = ()
    #: Where the article came from: a path, `path:line`, a WARC record offset, `<stdin>`.
    source: str | None = None
    #: The input format the reader saw (`html`, `text`, `jsonl`, `csv`, `warc`).
    format: str | None = None
