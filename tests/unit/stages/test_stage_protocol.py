"""Every registered stage obeys the stage protocol (the way scikit-learn checks every estimator).

A stage returns exactly the findings it assigns, leaves the article and the earlier findings as they were (deep
down, not just the top-level objects), and every span anywhere in what it returns quotes the text it points
into. The checkers are tested too, on stages and findings built by hand to break them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from newsaudit.ingest.extract import extract_article
from newsaudit.ingest.readers import RawDocument
from newsaudit.nlp import load_sentencizer, parse
from newsaudit.schema import (
    Article,
    Attribution,
    CertaintyGap,
    Claim,
    Denial,
    Entity,
    Hedge,
    Reuse,
    ReusedPassage,
    Signal,
    Source,
    Span,
    Stance,
    StoryQuote,
)
from newsaudit.stages import DEFAULT_STAGES, REGISTRY, Context, Stage, resolve
from newsaudit.stores import Stores
from newsaudit.stores.corpus import Corpus
from tests.conftest import SCRAPED_STORY

# Fiction: a flat headline over a body that hedges it, rests it on unnamed people and reports it as denied.
HEDGED_STORY = """\
Corran Island Ferry Service Will End in March

The ferry service to Corran Island may end in March, according to two people who asked not to be named.

Council officials reportedly discussed closing the route at a closed meeting on Tuesday, the Corran Gazette said.

Ferry operator Marta Kolb denied that the ferry service would end. "The boats are running as normal," she said.

The route carried about 40,000 passengers last year, and fares rose by 12 percent in 2023, the island council said.

Some residents fear the island could be cut off for weeks during the winter storms.
"""

# Fiction: what the Coastal Herald published first, which the scraped story copies (and credits).
HERALD_STORY = """\
The leak was small and was contained within hours, said one of the officials, who spoke on condition of anonymity.

Harbor master Ida Fenwick denied that any fuel had entered the water. "Our sensors recorded nothing unusual," she said.

Environmental groups said they would take their own water samples on Friday.

The terminal handles most of the fuel shipped to the islands of the Brindle Bay district every winter.
"""

STORIES = {"scraped": SCRAPED_STORY, "hedged": HEDGED_STORY}

# -- the checkers -----------------------------------------------------------------------------------------------

#: Spans that by contract point somewhere other than `Article.text`: (dataclass, field) → where.
ELSEWHERE: dict[tuple[type, str], str] = {
    (Signal, "title_evidence"): "title",  # the clickbait devices, the headline: offsets in `Article.title`
    (ReusedPassage, "other"): "other article",  # offsets in the OTHER article's text; `text` is a preview
    (StoryQuote, "span"): "other article",  # a sentence of another article of the story; `text` is a preview
}


@dataclasses.dataclass
class SpanWalk:
    """What `walk_spans` saw: each span's place (`Type.field`, or the finding's key) and what was wrong."""

    checked: list[str] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


def _is_span(value: Any) -> bool:
    return {"start", "end", "text"} <= {field.name for field in dataclasses.fields(value)}


def walk_spans(findings: Mapping[str, Any], article: Article) -> SpanWalk:
    """Visit every dataclass reachable from the findings; each one with `start`, `end` and `text` must quote
    `article.text[start:end]`, except the spans `ELSEWHERE` names (title evidence quotes `article.title`; the
    other article's side of a reused passage is only checked to be a range). `Stance.headline` is a plain string
    (the headline the stance was computed for), checked to come from the title."""
    walk = SpanWalk()
    title = article.title or ""

    def visit(value: Any, path: str, place: str, within: str | None) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            if _is_span(value):
                walk.checked.append(place)
                start, end, text = value.start, value.end, value.text
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
                    walk.problems.append(f"{path}: [{start}, {end}) is not a range")
                elif within is not None and (end > len(within) or within[start:end] != text):
                    walk.problems.append(f"{path}: {within[start:end]!r} at [{start}, {end}), but text is {text!r}")
            if isinstance(value, Stance) and not (isinstance(value.headline, str) and value.headline in title):
                walk.problems.append(f"{path}.headline: {value.headline!r} is not from the title {title!r}")
            for field in dataclasses.fields(value):
                where = ELSEWHERE.get((type(value), field.name))
                inner = within if where is None else title if where == "title" else None
                visit(getattr(value, field.name), f"{path}.{field.name}", f"{type(value).__name__}.{field.name}", inner)
        elif isinstance(value, (tuple, list)):
            for number, item in enumerate(value):
                visit(item, f"{path}[{number}]", place, within)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                visit(item, f"{path}[{key!r}]", place, within)

    for key, value in findings.items():
        visit(value, key, key, article.text)
    return walk


def assert_spans_quote_the_article(findings: Mapping[str, Any], article: Article) -> SpanWalk:
    walk = walk_spans(findings, article)
    assert not walk.problems, "\n".join(walk.problems)
    return walk


def run_checked(current: Stage, article: Article, doc, earlier: Mapping[str, Any], **context) -> dict[str, Any]:
    """Run one stage and fail if it changed the article or any earlier finding, even deep inside (a count in
    the `sourcing` dict, a Stance's probabilities), or added, removed or replaced a finding: both are compared
    with deep copies taken before the stage ran."""
    findings = dict(earlier)
    objects = dict(findings)
    findings_before = copy.deepcopy(findings)
    article_before = copy.deepcopy(article)
    output = current(Context(article, doc, findings, **context))
    assert set(findings) == set(findings_before), f"{current.name} changed the keys of the findings it read"
    for key, value in findings.items():
        assert value is objects[key], f"{current.name} replaced the earlier finding {key!r}"
        assert value == findings_before[key], f"{current.name} changed the earlier finding {key!r} in place"
    assert article == article_before, f"{current.name} changed the article"
    return output


# -- the articles, each run through the whole default pipeline once ---------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """A corpus holding the Coastal Herald's story, so that the reuse stage finds (credited) copied passages."""
    location = str(tmp_path_factory.mktemp("corpus") / "corpus.sqlite")
    herald = Article(
        id="herald-1",
        url="https://www.coastalherald.example/news/brindle-bay-leak",
        domain="coastalherald.example",
        title="Small Fuel Leak Contained at Brindle Bay Terminal",
        published="2024-03-04",
        text=HERALD_STORY.strip(),
    )
    with Corpus(location) as corpus:
        corpus.add([herald])
    return Stores(corpus=location)


@pytest.fixture(scope="module", params=list(STORIES))
def case(request, auditor, stores):
    """(article, doc, stores, the findings before each stage, each stage's output) for one fictional article."""
    article = extract_article(RawDocument(STORIES[request.param], "text", request.param, "text", titled=True))
    [doc] = list(parse(auditor.nlp, [article.text]))
    findings: dict[str, Any] = {}
    before, outputs = {}, {}
    for current in resolve(DEFAULT_STAGES):
        before[current.name] = dict(findings)
        outputs[current.name] = current(Context(article, doc, dict(findings), True, stores))
        findings.update(outputs[current.name])
    return article, doc, stores, before, outputs


# -- the protocol, stage by stage -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_returns_exactly_what_it_assigns_with_valid_spans(name, case):
    article, doc, stores, before, _ = case
    output = REGISTRY[name](Context(article, doc, dict(before[name]), True, stores))
    assert set(output) == set(REGISTRY[name].assigns)
    assert_spans_quote_the_article(output, article)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_steps_aside_on_a_sentences_only_doc(name, case):
    article = case[0]
    [doc] = list(parse(load_sentencizer(), [article.text]))
    findings: dict[str, Any] = {}
    for current in resolve(DEFAULT_STAGES):
        output = current(Context(article, doc, dict(findings), False))
        if current.name == name:
            assert set(output) == set(REGISTRY[name].assigns)
            assert_spans_quote_the_article(output, article)
            return
        findings.update(output)
    raise AssertionError(name)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_stage_does_not_mutate_the_article_or_earlier_findings(name, case):
    article, doc, stores, before, _ = case
    run_checked(REGISTRY[name], article, doc, before[name], english=True, stores=stores)


def test_the_articles_exercise_every_kind_of_nested_span(case):
    """The span checks above are only as good as what the fictional articles make the stages find."""
    article, _, _, _, outputs = case
    places = set()
    for output in outputs.values():
        places.update(assert_spans_quote_the_article(output, article).checked)
    expected = {
        "sentences",
        "entities",
        "Attribution.cue",
        "Attribution.source",
        "Attribution.content",
        "Denial.cue",
        "Denial.source",
        "Denial.target",
        "Denial.disputes",
        "Claim.span",
        "Claim.entities",
        "Signal.evidence",
        "Signal.title_evidence",
    }
    if article.source == "hedged":
        expected |= {
            "Hedge.cue",
            "Hedge.scope",
            "Claim.quantities",
            "Claim.times",
            "Claim.places",
            "CertaintyGap.statement",
            "CertaintyGap.evidence",
        }
    else:
        expected |= {"ReusedPassage.this", "ReusedPassage.other", "Reuse.credit", "StoryQuote.span"}
    assert expected <= places, sorted(expected - places)


def test_story_quotes_point_into_the_other_article(case):
    """The exception `ELSEWHERE` makes for `StoryQuote.span`, checked where it points: the other stored article."""
    article, _, stores, _, outputs = case
    found = outputs["story"]["story"]
    if article.source == "hedged":
        assert found is None
        return
    quotes = [quote for support in found.claims for quote in support.quotes]
    assert quotes
    for quote in quotes:
        other = stores.open_corpus().get(quote.article).text
        quoted, preview = other[quote.span.start : quote.span.end], quote.span.text
        assert quoted == preview or (preview.endswith("…") and quoted.startswith(preview[:-1])), quote


def test_reused_passages_point_into_the_other_article(case):
    """The exception `ELSEWHERE` makes for `ReusedPassage.other`, checked where it points: the corpus article."""
    article, _, stores, _, outputs = case
    if article.source == "hedged":
        assert outputs["reuse"]["reuse"] == ()
        return
    [found] = outputs["reuse"]["reuse"]
    assert found.id == "herald-1" and found.credited
    other = stores.open_corpus().get(found.id).text
    for passage in found.passages:
        quoted = other[passage.other.start : passage.other.end]
        preview = passage.other.text
        assert quoted == preview or (preview.endswith("…") and quoted.startswith(preview[:-1])), passage
        assert article.text[passage.this.start : passage.this.end] == passage.this.text


def test_title_evidence_points_into_the_title(case):
    """The exception `ELSEWHERE` makes for `Signal.title_evidence`, checked where it points: the title."""
    article, _, _, _, outputs = case
    spans = [span for signal in outputs["signals"]["signals"] for span in signal.title_evidence]
    assert spans  # at least the headline-stance signal's
    for span in spans:
        assert article.title[span.start : span.end] == span.text


# -- the checkers catch what they are there to catch ------------------------------------------------------------


def _mutates_sourcing(context: Context) -> dict[str, Any]:
    context.findings["sourcing"]["n_sentences"] += 1  # in place: the dict object stays the same
    return {"mutant": ()}


def _mutates_probabilities(context: Context) -> dict[str, Any]:
    context.findings["stance"].probabilities["agree"] = 0.0
    return {"mutant": ()}


def _mutates_the_article(context: Context) -> dict[str, Any]:
    object.__setattr__(context.article, "title", "A different headline")
    return {"mutant": ()}


def _adds_a_finding(context: Context) -> dict[str, Any]:
    context.findings["smuggled"] = ()  # type: ignore[index]
    return {"mutant": ()}


@pytest.mark.parametrize("function", [_mutates_sourcing, _mutates_probabilities, _mutates_the_article, _adds_a_finding])
def test_the_checker_catches_an_in_place_mutation(function, case, monkeypatch):
    article, doc, stores, before, _ = case
    article = copy.deepcopy(article)  # the mutants must not spoil the shared fixture
    earlier = copy.deepcopy(before["signals"])
    assert earlier["stance"] is not None  # both fictional articles have a headline
    monkeypatch.setitem(REGISTRY, "mutant", Stage("mutant", function, ("sourcing", "stance"), ("mutant",)))
    with pytest.raises(AssertionError, match=r"changed|replaced"):
        run_checked(REGISTRY["mutant"], article, doc, earlier, english=True, stores=stores)


def _article() -> Article:
    text = "Two unnamed officials said the bridge may close. Mayor Rosa Lindqvist denied it."
    return Article(id="hand-built", title="Bridge Will Close!!", text=text)


def _at(text: str, piece: str) -> tuple[int, int, str]:
    start = text.index(piece)
    return start, start + len(piece), piece


def _span(text: str, piece: str) -> Span:
    return Span(*_at(text, piece))


def test_the_span_walker_passes_right_spans_everywhere_it_looks():
    article = _article()
    text, title = article.text, article.title
    statement = _span(text, "Two unnamed officials said the bridge may close.")
    findings = {
        "attributions": (
            Attribution(
                cue=_span(text, "said"),
                cue_lemma="say",
                type="indirect",
                sentence=0,
                source=Source(0, 21, "Two unnamed officials", "anonymous"),
                content=_span(text, "the bridge may close"),
            ),
        ),
        "hedges": (Hedge(_span(text, "may"), "modal", _span(text, "may close"), 0),),
        "denials": (Denial(_span(text, "denied"), "denial", 1, disputes=(statement,)),),
        "claims": (Claim(statement, 0, 0.9, 1, entities=(Entity(*_at(text, "Rosa Lindqvist"), "PERSON", 1),)),),
        "stance": Stance(
            title,
            "discuss",
            {"discuss": 1.0},
            (CertaintyGap(statement, 0.8, ("hedged (modal)",), (_span(text, "may"),)),),
        ),
        "reuse": (
            Reuse(
                "other",
                None,
                None,
                None,
                None,
                0.5,
                0.5,
                # `other` lies beyond this article's text on purpose: it points into the other article.
                (ReusedPassage(statement, Span(900, 948, "quoted from somewhere else entirely")),),
                "unknown",
            ),
        ),
        "signals": (
            Signal("clickbait_headline", 1.0, "lowers", "…", title_evidence=(_span(title, "!!"),)),
            Signal("anonymous_sourcing", 1.0, "lowers", "…", evidence=(_span(text, "Two unnamed officials"),)),
        ),
        "sourcing": {"nested": {"spans": [statement]}},
    }
    walk = assert_spans_quote_the_article(findings, article)
    assert set(walk.checked) >= {
        "Attribution.cue",
        "Attribution.source",
        "Attribution.content",
        "Hedge.cue",
        "Hedge.scope",
        "Denial.cue",
        "Denial.disputes",
        "Claim.span",
        "Claim.entities",
        "CertaintyGap.statement",
        "CertaintyGap.evidence",
        "ReusedPassage.this",
        "ReusedPassage.other",
        "Signal.title_evidence",
        "Signal.evidence",
        "sourcing",
    }


@pytest.mark.parametrize(
    ("finding", "where"),
    [
        (lambda t: {"claims": (Claim(Span(0, 5, "Three"), 0, 0.9, 1),)}, "claims[0].span"),
        (
            lambda t: {"claims": (Claim(_span(t, "Two"), 0, 0.9, 1, entities=(Entity(1, 4, "Mayor", "PERSON", 1),)),)},
            "claims[0].entities[0]",
        ),
        (
            lambda t: {
                "attributions": (Attribution(_span(t, "said"), "say", "indirect", 0, Source(0, 3, "One", "x")),)
            },
            "attributions[0].source",
        ),
        (lambda t: {"hedges": (Hedge(_span(t, "may"), "modal", Span(0, 3, "may"), 0),)}, "hedges[0].scope"),
        (
            lambda t: {"denials": (Denial(_span(t, "denied"), "denial", 1, disputes=(Span(0, 3, "Two "),)),)},
            "denials[0].disputes[0]",
        ),
        (
            lambda t: {
                "stance": Stance(
                    "Bridge Will Close!!",
                    "agree",
                    {},
                    (CertaintyGap(_span(t, "Two"), 0.9, ("x",), (Span(4, 8, "may"),)),),
                )
            },
            "stance.certainty_gaps[0].evidence[0]",
        ),
        (lambda t: {"stance": Stance("Some other headline", "agree", {})}, "stance.headline"),
        (
            lambda t: {
                "reuse": (
                    Reuse(
                        "o",
                        None,
                        None,
                        None,
                        None,
                        1,
                        1,
                        (ReusedPassage(Span(0, 3, "Mayor"), Span(0, 3, "x")),),
                        "this",
                    ),
                )
            },
            "reuse[0].passages[0].this",
        ),
        # Right in the body, wrong in the title: title evidence is checked against the title.
        (
            lambda t: {"signals": (Signal("s", 1, "lowers", "…", title_evidence=(_span(t, "Two"),)),)},
            "title_evidence[0]",
        ),
        # Right in the title, wrong in the body: evidence is checked against the body.
        (lambda t: {"signals": (Signal("s", 1, "lowers", "…", evidence=(Span(0, 6, "Bridge"),)),)}, "evidence[0]"),
        (lambda t: {"sourcing": {"deep": [{"deeper": (Span(0, 3, "Mayor"),)}]}}, "sourcing['deep'][0]['deeper'][0]"),
        # Past the end of the text, though the slice there reads the same.
        (lambda t: {"claims": (Claim(Span(len(t) - 3, len(t) + 9, t[-3:]), 0, 0.9, 1),)}, "claims[0].span"),
    ],
)
def test_the_span_walker_catches_a_wrong_span(finding, where):
    article = _article()
    walk = walk_spans(finding(article.text), article)
    assert len(walk.problems) == 1, walk.problems
    assert where in walk.problems[0], walk.problems
