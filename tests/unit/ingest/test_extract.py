import pytest

from newsaudit.errors import NoArticleError
from newsaudit.ingest.extract import article_id, domain_of, extract_article, split_paragraphs
from newsaudit.ingest.readers import RawDocument
from tests.conftest import SCRAPED_STORY, fictional_html


def text_document(text: str, **fields) -> RawDocument:
    return RawDocument(text, "text", "test", "text", fields, titled=True)


def test_extract_scraped_text_layout_title_badge_subtitle_and_chrome():
    article = extract_article(text_document(SCRAPED_STORY))
    assert article.title == "Harbor Officials Deny Report of Toxic Spill Near Brindle Bay"
    assert article.subtitle == "Residents say a strange smell has hung over the bay for a week"
    assert [piece.kind for piece in article.removed] == ["badge", "related_link", "share_bar", "comment_box"]
    assert article.text.startswith("Two unnamed port officials")
    assert article.text.endswith("on Friday.")
    for phrase in ("Fact-checked", "Five things", "Tweet", "Leave a Reply", "email address"):
        assert phrase not in article.text


def test_extract_removed_chrome_records_where_it_stood():
    article = extract_article(text_document(SCRAPED_STORY))
    insert = next(piece for piece in article.removed if piece.kind == "related_link")
    assert article.text[insert.at :].startswith("Environmental groups")
    assert article.text[: insert.at].rstrip().endswith("she said.")


def test_extract_paragraph_spans_quote_the_text():
    article = extract_article(text_document(SCRAPED_STORY))
    assert len(article.paragraphs) == 5
    for span in article.paragraphs:
        assert article.text[span.start : span.end] == span.text


def test_extract_keep_chrome_leaves_text_untouched():
    article = extract_article(text_document(SCRAPED_STORY), remove_chrome=False)
    assert article.removed == () and "Leave a Reply" in article.text


def test_extract_first_line_is_a_title_only_when_it_reads_like_one():
    article = extract_article(text_document("This first line is a sentence and ends with a full stop.\n\nSecond."))
    assert article.title is None and article.text.startswith("This first line")


def test_extract_corpus_record_uses_its_own_title_field():
    raw = RawDocument("Opening line of the body\n\nMore body.", "text", "t", "jsonl", {"title": "Given"})
    article = extract_article(raw)
    assert article.title == "Given" and article.text.startswith("Opening line of the body")


def test_extract_hard_wrapped_prose_is_joined_into_paragraphs():
    wrapped = (
        "The harbour authority of the fictional port of Lunden said on\n"
        "Tuesday that the new crane would arrive in the spring and that\n"
        "the quay would stay open during the installation work.\n\n"
        "A second paragraph follows here, short."
    )
    assert split_paragraphs(wrapped) == [
        "The harbour authority of the fictional port of Lunden said on Tuesday that the new crane would arrive in "
        "the spring and that the quay would stay open during the installation work.",
        "A second paragraph follows here, short.",
    ]


def test_extract_html_main_text_and_metadata():
    head = (
        "<meta property='og:site_name' content='The Examplefield Echo'>"
        "<meta name='author' content='Sam Ortiz'><meta property='article:published_time' content='2026-04-02'>"
    )
    raw = RawDocument(
        fictional_html(extra_head=head), "html", "page.html", "html", {"url": "https://www.echo.example/bridge"}
    )
    article = extract_article(raw)
    assert article.title == "A Fictional Headline"
    assert article.site_name == "The Examplefield Echo"
    assert article.authors == ("Sam Ortiz",)
    assert article.published == "2026-04-02"
    assert article.domain == "echo.example"
    assert "footbridge" in article.text and "Home" not in article.text and "Contact us" not in article.text


def test_extract_html_comments_are_listed_as_removed_chrome():
    body = "".join(
        f"<p>Paragraph {i} of a fictional story about the town's new library and its opening.</p>" for i in range(6)
    )
    comments = (
        "<div id='comments' class='comments'><h2>Comments</h2><div class='comment'><p>"
        "I love this fictional library, well done to everyone involved!</p></div></div>"
    )
    article = extract_article(RawDocument(fictional_html(body + comments), "html", "p", "html"))
    assert "I love this fictional library" not in article.text
    assert any(piece.kind == "comment_box" and "I love" in piece.text for piece in article.removed)


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><title>x</title></head><body></body></html>",
        "<<<>>><div><div><p",
    ],
)
def test_extract_html_without_a_body_is_no_article(html):
    with pytest.raises(NoArticleError):
        extract_article(RawDocument(html, "html", "p", "html"))


def test_extract_text_that_is_only_chrome_is_no_article():
    with pytest.raises(NoArticleError, match="chrome"):
        extract_article(RawDocument("Share this: Facebook Twitter", "text", "t", "text"))


def test_extract_ids_are_stable_and_domains_clean():
    assert article_id("https://a.test/x", "t1") == article_id("https://a.test/x", "t2")
    assert article_id(None, "same text") == article_id(None, "same text") != article_id(None, "other text")
    assert domain_of("https://www.News.example.org:8080/a?b=1") == "news.example.org"
    assert domain_of("news.example.org/path") == "news.example.org"
    assert domain_of(None) is None


def test_extract_lone_surrogates_become_replacement_characters():
    # Found by the fuzz suite: one lone surrogate (a str given to the API, a JSON escape) made lxml refuse the
    # whole page, and went into the text and title of a plain text, where no file, page or store could hold it.
    sentence = "The mayor said \ud800 on Monday that the bridge over the river was safe for everyone."
    page = extract_article(RawDocument(fictional_html(f"<p>{sentence}</p>" * 2), "html", "test", "html"))
    text = extract_article(text_document(f"A Fictional Headline\n\n{sentence}", title="A \udfff title"))
    assert "The mayor said \ufffd on Monday" in page.text and "The mayor said \ufffd on Monday" in text.text
    assert text.title == "A \ufffd title"


def test_extract_url_that_cannot_be_split_has_no_domain():
    # Found by the fuzz suite: urllib raises ValueError ("Invalid IPv6 URL") for these, out of Auditor.audit.
    for url in ("http://[::1", "http://[abc]/", "//["):
        assert domain_of(url) is None
    article = extract_article(text_document("A Fictional Headline\n\nThe mayor said so on Monday.", url="http://[::1"))
    assert article.url == "http://[::1" and article.domain is None


def test_extract_page_that_trips_the_date_finder_is_no_article():
    # Found by the fuzz suite: htmldate's cleaning raised AssertionError (lxml drop_tree on a root element).
    with pytest.raises(NoArticleError):
        extract_article(
            RawDocument(
                "<?xml version='1.0' encoding='utf-8'?><html><body><iframe></iframe></body></html>", "html", "t", "html"
            )
        )
