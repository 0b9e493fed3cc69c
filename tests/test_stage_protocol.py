"""Every registered stage obeys the stage protocol (the way scikit-learn checks every estimator)."""

import pytest

from newsaudit.ingest.extract import extract_article
from newsaudit.ingest.readers import RawDocument
from newsaudit.nlp import load_sentencizer, parse
from newsaudit.stages import DEFAULT_STAGES, REGISTRY, Context, resolve

from .conftest import SCRAPED_STORY


@pytest.fixture(scope="module")
def article():
    return extract_article(RawDocument(SCRAPED_STORY, "text", "t", "text", titled=True))


def run_until(name, article, doc, english=True):
    findings = {}
    for current in resolve(DEFAULT_STAGES):
        output = current(Context(article, doc, dict(findings), english))
        if current.name == name:
            return output, findings
        findings.update(output)
    raise AssertionError(name)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_returns_exactly_what_it_assigns_with_valid_spans(name, article, auditor):
    [doc] = list(parse(auditor.nlp, [article.text]))
    output, _ = run_until(name, article, doc)
    assert set(output) == set(REGISTRY[name].assigns)
    for findings in output.values():
        for finding in findings if isinstance(findings, tuple) else ():
            if hasattr(finding, "start"):
                assert article.text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_steps_aside_on_a_sentences_only_doc(name, article):
    [doc] = list(parse(load_sentencizer(), [article.text]))
    output, _ = run_until(name, article, doc, english=False)
    assert set(output) == set(REGISTRY[name].assigns)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_does_not_mutate_earlier_findings(name, article, auditor):
    [doc] = list(parse(auditor.nlp, [article.text]))
    findings = {}
    for current in resolve(DEFAULT_STAGES):
        before = dict(findings)
        findings.update(current(Context(article, doc, findings, True)))
        assert all(findings[key] is value for key, value in before.items())
