"""From a `RawDocument` to an `Article`: main text and metadata from HTML (trafilatura), the title/subtitle
layout of plain-text scrapes, and site chrome cut out of either, each piece recorded in `article.removed`."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from newsaudit.errors import NoArticleError
from newsaudit.ingest.chrome import ChromeRules, classify_paragraph, split_chrome
from newsaudit.ingest.readers import RawDocument
from newsaudit.schema import Article, RemovedChrome, Span
from newsaudit.schema.audit import replace_surrogates

log = logging.getLogger(__name__)

PARAGRAPH_SEPARATOR = "\n\n"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Trafilatura's fallbacks return a page's menu ("Home") when there is no article: fewer words than this from
# an HTML page are not an article body.
_MIN_HTML_WORDS = 5
# A title or subtitle reads like a headline: short, and not a sentence that ends with a full stop.
_MAX_HEADLINE_CHARS = 250


def extract_article(
    raw: RawDocument, *, remove_chrome: bool = True, min_text_chars: int = 1, extraction: str = "precision"
) -> Article:
    """Build the `Article` for one raw document; raises `NoArticleError` when no body text is left.

    `extraction` is the HTML extractor's trade-off: "precision", "balanced" or "recall".
    """
    if raw.kind == "html":
        return _from_html(raw, remove_chrome=remove_chrome, min_text_chars=min_text_chars, extraction=extraction)
    return _from_text(raw, remove_chrome=remove_chrome, min_text_chars=min_text_chars)


def extract_html(html: str, url: str | None = None, extraction: str = "precision") -> dict | None:
    """Trafilatura's main text and metadata for a page, or None when it finds no article body.

    Comments are extracted too (and kept apart), so that the audit can list them as removed chrome.
    "precision" is the default because it scored best on the extraction benchmark's 88 development pages
    (F1 0.971 against 0.960 balanced and 0.959 recall, with chrome removal after it).
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=True,
        include_tables=True,
        favor_precision=extraction == "precision",
        favor_recall=extraction == "recall",
        as_dict=False,
    )
    if document is None:
        return None
    return {
        "text": document.text or "",
        "comments": document.comments or "",
        "title": document.title,
        "subtitle": document.description,
        "authors": tuple(name.strip() for name in (document.author or "").split(";") if name.strip()),
        "published": document.date,
        "site_name": document.sitename,
        "url": document.url,
    }


def _from_html(raw: RawDocument, *, remove_chrome: bool, min_text_chars: int, extraction: str) -> Article:
    from lxml.etree import LxmlError

    fields = raw.fields
    try:
        # lxml refuses a whole page for one lone surrogate in it (a str given to the API can hold one).
        extracted = extract_html(replace_surrogates(raw.content), url=fields.get("url"), extraction=extraction)
    # trafilatura's lxml can choke on broken trees; htmldate's cleaning trips an assertion in lxml's drop_tree
    # when an XML-declared page leaves a bare element at the root (found by the fuzz suite).
    except (ValueError, TypeError, RecursionError, AssertionError, LxmlError) as error:
        log.info("extraction failed for %s: %r", raw.source, error)
        extracted = None
    if extracted is None or len(extracted["text"].split()) < _MIN_HTML_WORDS:
        raise NoArticleError("no article body found in the HTML")
    paragraphs = [line.strip() for line in extracted["text"].split("\n") if line.strip()]
    comments = [line.strip() for line in extracted["comments"].split("\n") if line.strip()]
    url = fields.get("url") or extracted["url"]
    return _assemble(
        raw,
        paragraphs,
        title=fields.get("title") or extracted["title"],
        subtitle=extracted["subtitle"],
        authors=tuple(fields.get("authors") or extracted["authors"]),
        published=fields.get("published") or extracted["published"],
        site_name=extracted["site_name"],
        url=url,
        remove_chrome=remove_chrome,
        min_text_chars=min_text_chars,
        trailing_chrome=[("comment_box", "\n".join(comments))] if comments else [],
    )


def _from_text(raw: RawDocument, *, remove_chrome: bool, min_text_chars: int) -> Article:
    fields = raw.fields
    paragraphs = split_paragraphs(raw.content)
    title = fields.get("title")
    subtitle = None
    if raw.titled and title is None and paragraphs and _is_headline(paragraphs[0]):
        title = paragraphs.pop(0)
        # Between a title and its subtitle a scrape often keeps a badge: look past chrome for the subtitle.
        rules = ChromeRules.default()
        index = 0
        while index < len(paragraphs) and remove_chrome and classify_paragraph(paragraphs[index], rules):
            index += 1
        if index < len(paragraphs) - 1 and _is_headline(paragraphs[index]):
            subtitle = paragraphs.pop(index)
    return _assemble(
        raw,
        paragraphs,
        title=title,
        subtitle=subtitle,
        authors=tuple(fields.get("authors") or ()),
        published=fields.get("published"),
        site_name=None,
        url=fields.get("url"),
        remove_chrome=remove_chrome,
        min_text_chars=min_text_chars,
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blocks between blank lines; inside a block, one paragraph per line unless
    the block is hard-wrapped prose (then its lines are joined)."""
    text = unicodedata.normalize("NFC", replace_surrogates(text).replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if _is_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _is_hard_wrapped(lines: Sequence[str]) -> bool:
    # Wrapped prose: several lines, all but the last of a similar width (a typewriter margin) and none of
    # them a lone short line such as a heading.
    if len(lines) < 2:
        return False
    widths = [len(line) for line in lines[:-1]]
    return min(widths) >= 40 and max(widths) <= 100 and max(widths) - min(widths) <= 30


def _is_headline(paragraph: str) -> bool:
    return len(paragraph) <= _MAX_HEADLINE_CHARS and not paragraph.rstrip("\"'”’ ").endswith((".", ":", ";", ","))


def _assemble(
    raw: RawDocument,
    paragraphs: list[str],
    *,
    title: str | None,
    subtitle: str | None,
    authors: tuple[str, ...],
    published: str | None,
    site_name: str | None,
    url: str | None,
    remove_chrome: bool,
    min_text_chars: int,
    trailing_chrome: Sequence[tuple[str, str]] = (),
) -> Article:
    removed: list[RemovedChrome] = []
    if remove_chrome:
        kept, cuts = split_chrome(paragraphs)
    else:
        kept, cuts = paragraphs, []
    text = PARAGRAPH_SEPARATOR.join(kept)
    starts = _paragraph_starts(kept)
    for position, cut in cuts:
        at = starts[position] if position < len(starts) else len(text)
        removed.append(RemovedChrome(cut.kind, cut.text, at))
    removed.extend(RemovedChrome(kind, chrome, len(text)) for kind, chrome in trailing_chrome)
    if len(text.strip()) < min_text_chars:
        raise NoArticleError(
            "no article text left after removing site chrome" if cuts else "the document has no article text"
        )
    fields = raw.fields
    url = _valid(url)
    return Article(
        id=_valid(fields.get("id")) or article_id(url, text),
        text=text,
        url=url,
        domain=_valid(fields.get("domain")) or domain_of(url),
        site_name=_valid(site_name),
        title=_valid(title),
        subtitle=_valid(subtitle),
        published=_valid(published),
        authors=tuple(_valid(name) for name in authors),
        paragraphs=tuple(Span(start, start + len(p), p) for start, p in zip(starts, kept, strict=True)),
        removed=tuple(removed),
        source=raw.source,
        format=raw.format,
    )


def _valid(value: str | None) -> str | None:
    # Metadata given by a caller or a record is kept as given, but no lone surrogate: it could not be written out.
    return replace_surrogates(value) if isinstance(value, str) else value


def _paragraph_starts(paragraphs: Sequence[str]) -> list[int]:
    starts, position = [], 0
    for paragraph in paragraphs:
        starts.append(position)
        position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return starts


def article_id(url: str | None, text: str) -> str:
    """A stable id: the same URL (or, without one, the same text) always gets the same id."""
    key = (url or text).encode("utf-8", errors="replace")
    return hashlib.blake2b(key, digest_size=8).hexdigest()


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    if "//" not in url and re.match(r"[A-Za-z][A-Za-z0-9+-]*:(?!\d)", url):
        return None  # "javascript:…", "mailto:…", "data:…": a scheme, not a host ("example.org:8080/a" is one)
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:  # "http://[broken": a bad URL in a record or a crawl has no domain, it is not a crash
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def without_surrogates(article: Article) -> Article:
    """An `Article` a caller built, with lone surrogates in its strings replaced by U+FFFD one for one (offsets
    hold): extraction does this for what it reads, and spaCy, the tokenizers and every file need it."""
    strings = [article.text, article.title or "", article.subtitle or ""]
    strings += [span.text for span in article.paragraphs] + [piece.text for piece in article.removed]
    if all(replace_surrogates(value) is value for value in strings):
        return article
    return replace(
        article,
        text=replace_surrogates(article.text),
        title=_valid(article.title),
        subtitle=_valid(article.subtitle),
        paragraphs=tuple(replace(span, text=replace_surrogates(span.text)) for span in article.paragraphs),
        removed=tuple(replace(piece, text=replace_surrogates(piece.text)) for piece in article.removed),
    )
