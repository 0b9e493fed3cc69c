"""The whole audit on hostile input: `Auditor.audit` never raises, every span quotes `article.text`, every audit
validates against the published schema and can be written as UTF-8.

spaCy makes each audit cost a few tenths of a second, so these draw few, small examples from one shared Auditor.
"""

from __future__ import annotations

import io
import json
import random
import resource

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsaudit.ingest.readers import ReadFailure, read
from newsaudit.schema import Article, Audit
from tests.fuzz.conftest import check_audit, examples
from tests.fuzz.strategies import (
    SPECIAL_CHARACTERS,
    WORDS,
    any_character,
    hostile_bytes,
    hostile_text,
    html_page,
    jsonl_file,
    news_text,
)

STORY = "A Fictional Headline\n\nThe mayor of Examplefield said on Monday that the bridge was safe, officials said."


@settings(max_examples=examples(14))
@given(st.one_of(news_text(), hostile_text()))
@example("The mayor \ud800 said on Monday that the bridge over the river was safe, according to officials.")
def test_fuzz_audit_of_hostile_text(auditor, text):
    check_audit(auditor.audit(text))


@settings(max_examples=examples(8))
@given(html_page())
def test_fuzz_audit_of_hostile_html(auditor, html):
    check_audit(auditor.audit(html, format="html"))


@settings(max_examples=examples(8))
@given(hostile_bytes())
@example(b'<meta charset="undefined"><p>The mayor said on Monday that the caf\xe9 was closed for good.</p>')
def test_fuzz_audit_of_hostile_bytes(auditor, data):
    check_audit(auditor.audit(data))


urls = st.one_of(
    st.none(),
    st.sampled_from(("http://[::1", "http://[abc]/", "//[", "https://news.example:-1/", "http://①.example/", "x")),
    st.text(any_character, max_size=30),
)


@settings(max_examples=examples(8))
@given(urls, st.one_of(st.none(), st.text(any_character, max_size=30)))
# A URL urllib cannot split ("Invalid IPv6 URL") raised ValueError out of Auditor.audit (extract.domain_of).
@example("http://[::1", None)
@example(None, "A \ud800 headline")
def test_fuzz_audit_with_hostile_url_and_title(auditor, url, title):
    check_audit(auditor.audit(STORY, url=url, title=title))


@settings(max_examples=examples(5))
@given(jsonl_file())
def test_fuzz_audit_of_a_broken_corpus_gives_one_record_per_item(auditor, data):
    items = list(read(["-"], format="jsonl", stdin=io.BufferedReader(io.BytesIO(data))))
    audits = auditor.audit_batch(items)
    assert len(audits) == len(items)
    for item, audit in zip(items, audits, strict=True):
        check_audit(audit)
        if isinstance(item, ReadFailure):
            assert audit.failed and audit.article.text == ""


def test_fuzz_audit_of_an_article_built_with_a_lone_surrogate(auditor):
    text = "The mayor \ud800 said on Monday that the bridge over the river was safe, according to officials."
    article = Article(id="surrogate", text=text, title="A \udfff headline")
    data = check_audit(auditor.audit(article))
    assert data["article"]["text"] == text.replace("\ud800", "\ufffd")
    assert data["article"]["title"] == "A \ufffd headline"


def test_fuzz_audit_of_a_long_hostile_text_stays_within_time_and_memory(auditor):
    """Section 1's bounds, loosely (the size benchmark measures them): the stages cost no more than a few parses
    of the same text, and the peak memory of the process grows by well under a gigabyte."""
    pick = random.Random(16)
    words = (*WORDS, *SPECIAL_CHARACTERS[:14])
    paragraphs = [" ".join(pick.choice(words) for _ in range(40)) + "." for _ in range(180)]
    text = "A Fictional Headline\n\n" + "\n\n".join(paragraphs)  # about 50 kB
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    audit = auditor.audit(text)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    check_audit(audit)
    stages = audit.timings["total"] - audit.timings["extract"] - audit.timings["nlp"]
    assert stages < 3 * audit.timings["nlp"] + 2, audit.timings
    assert grown_mb < 1024


def test_fuzz_audit_json_of_an_article_with_lone_surrogates_is_utf8():
    # A caller's Article (or a failure audit's title, straight from a record) may hold one; to_dict writes U+FFFD.
    article = Article(id="surrogate", text="The mayor \ud800 said so.", title="A \udfff headline")
    data = Audit(article=article).to_dict()
    assert data["article"]["text"] == "The mayor \ufffd said so." and data["article"]["title"] == "A \ufffd headline"
    json.dumps(data, ensure_ascii=False).encode("utf-8")
