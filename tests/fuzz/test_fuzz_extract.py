"""Extraction and chrome removal over hostile markup and text: an `Article` whose spans hold, or `NoArticleError`.

Inputs: random HTML trees (unclosed and mis-cased tags, scripts, styles, comments, CDATA, SVG and MathML, broken
attributes, every kind of entity), markup nested thousands deep, and plain text full of combining marks, bidi
controls, emoji, NUL, lone surrogates and odd line breaks.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsaudit.errors import NewsauditError
from newsaudit.ingest.chrome import ChromeRules, classify_paragraph, split_chrome
from newsaudit.ingest.extract import PARAGRAPH_SEPARATOR, extract_article, split_paragraphs
from newsaudit.ingest.readers import RawDocument
from newsaudit.schema import Article
from tests.fuzz.conftest import assert_utf8_clean, examples, measure
from tests.fuzz.strategies import WORDS, deep_html, fragment, hostile_text, html_page, news_text

SURROGATE_SENTENCE = "The mayor said \ud800 on Monday that the bridge over the river was safe for everyone."


def check_article(article: Article) -> None:
    """What every extracted article keeps: its paragraphs make up the text, exactly, and nothing is invalid Unicode."""
    text = article.text
    assert text.strip()
    assert PARAGRAPH_SEPARATOR.join(paragraph.text for paragraph in article.paragraphs) == text
    for paragraph in article.paragraphs:
        assert text[paragraph.start : paragraph.end] == paragraph.text and paragraph.text.strip()
    for piece in article.removed:
        assert 0 <= piece.at <= len(text)
    assert_utf8_clean([text, article.title or "", article.subtitle or "", *article.authors, article.id])
    assert_utf8_clean([piece.text for piece in article.removed])


def extract_or_refuse(raw: RawDocument, **options) -> Article | None:
    try:
        article = extract_article(raw, **options)
    except NewsauditError:
        return None
    check_article(article)
    return article


@settings(max_examples=examples(60))
@given(html_page(), st.sampled_from(("precision", "balanced", "recall")), st.booleans())
# One lone surrogate made lxml refuse the whole page (extract.py now replaces it before trafilatura; the unit test
# test_extract_lone_surrogates_become_replacement_characters checks that the article is no longer lost).
@example(f"<html><body><article><p>{SURROGATE_SENTENCE}</p></article></body></html>", "precision", True)
# htmldate (inside trafilatura) raised AssertionError from lxml's drop_tree on this XML-declared page.
@example("<?xml version='1.0' encoding='utf-8'?><html><body><iframe></iframe></body></html>", "precision", False)
def test_fuzz_html_gives_an_article_or_no_article(html, extraction, remove_chrome):
    raw = RawDocument(html, "html", "<fuzz>", "html")
    extract_or_refuse(raw, extraction=extraction, remove_chrome=remove_chrome)


@settings(max_examples=examples(8))
@given(deep_html())
def test_fuzz_deeply_nested_html_is_extracted_or_refused_in_bounded_time(html):
    raw = RawDocument(html, "html", "<fuzz>", "html")
    _, seconds, _ = measure(lambda: extract_or_refuse(raw))
    assert seconds < 30


@settings(max_examples=examples(100))
@given(st.one_of(hostile_text(), news_text()), st.booleans(), st.booleans(), st.one_of(st.none(), st.text(max_size=20)))
# A title given with the record is kept as given; a lone surrogate in it must not survive.
@example("Body text that is long enough.", True, True, "A \udc00 title")
def test_fuzz_text_gives_an_article_or_no_article(text, titled, remove_chrome, title):
    fields = {"title": title} if title else {}
    raw = RawDocument(text, "text", "<fuzz>", "text", fields, titled=titled)
    extract_or_refuse(raw, remove_chrome=remove_chrome)


@settings(max_examples=examples(100))
@given(st.one_of(hostile_text(), news_text()))
def test_fuzz_split_paragraphs_keeps_every_word(text):
    paragraphs = split_paragraphs(text)
    assert all(paragraph and paragraph == paragraph.strip() and "\n" not in paragraph for paragraph in paragraphs)
    # Paragraphs are the text's words regrouped: nothing but white space (and NFC composition) is lost.
    words = " ".join(paragraphs).split()
    assert len(words) <= len(text.split())


chrome_paragraph = st.one_of(
    st.sampled_from(WORDS),
    st.lists(fragment, min_size=1, max_size=12).map(" ".join),
    st.sampled_from(
        (
            "Fact-checked ✔",
            "Be the first to comment",
            "Leave a Reply",
            "Your email address will not be published.",
            "Share on Facebook | Tweet | Email",
            "Sign up for our newsletter",
            "[Five things to know about the ferry]",
            "Read more: The ferry",
            "★ Verified ★",
            "",
            " ",
        )
    ),
)


@settings(max_examples=examples(150))
@given(st.lists(chrome_paragraph, max_size=14))
def test_fuzz_chrome_removal_loses_no_paragraph(paragraphs):
    kept, cuts = split_chrome(paragraphs)
    # Put the cuts back where they stood: the input comes back in order, every paragraph exactly once.
    rebuilt: list[str] = []
    cuts_at: dict[int, list] = {}
    for position, cut in cuts:
        cuts_at.setdefault(position, []).append(cut)
    for position in range(len(kept) + 1):
        for cut in cuts_at.get(position, []):
            rebuilt.extend(cut.paragraphs)
        if position < len(kept):
            rebuilt.append(kept[position])
    assert rebuilt == list(paragraphs)
    for position, cut in cuts:
        assert 0 <= position <= len(kept) and paragraphs[cut.index] == cut.paragraphs[0]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Share " * 200_000,
        "x" * 1_000_000,
        "Fact-checked " + "✔" * 500_000,
        ("[" * 5000) + "Read more" + ("]" * 5000),
        "★ " * 300_000,
    ],
)
def test_fuzz_chrome_rules_on_huge_paragraphs_stay_within_time_and_memory(paragraph):
    kind, seconds, peak = measure(lambda: classify_paragraph(paragraph, ChromeRules.default()))
    assert kind is None or isinstance(kind, str)
    assert seconds < 10
    assert peak < 40 * len(paragraph) + 20_000_000
