"""The HTML report: every finding highlighted with a stable id, well-formed nesting, a CSP that matches the page,
and hostile input that never becomes markup. No browser here (see test_report_browser.py)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from html.parser import HTMLParser

import pytest

from newsaudit.render.html import render_html, render_index, safe_href, span_id
from newsaudit.schema import (
    Article,
    Attribution,
    Audit,
    CertaintyGap,
    Credibility,
    Denial,
    FactCheckMatch,
    Hedge,
    RemovedChrome,
    Reuse,
    ReusedPassage,
    Signal,
    Source,
    Span,
    Stance,
)
from tests.conftest import EXAMPLES, SCRAPED_STORY

VOID = {"meta", "input", "br", "img", "hr", "link", "source", "wbr", "col", "area", "base", "embed", "track"}
#: SVG elements the report writes self-closed.
SELF_CLOSED = {"path", "line", "circle", "rect"}

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<div><p></b>",
    "Tom & Jerry's \"quoted\" 'words'",
]
HOSTILE = " ".join(XSS)


# --- a small strict DOM -------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()


class StrictTree(HTMLParser):
    """Builds a tree and fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root
        self.raw_attrs: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.raw_attrs.extend((tag, name, value) for name, value in attrs)
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.raw_attrs.extend((tag, name, value) for name, value in attrs)
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> StrictTree:
    tree = StrictTree()
    tree.feed(page)
    tree.close()
    assert tree.current is tree.root, f"unclosed <{tree.current.tag}>"
    return tree


def by_id(tree: StrictTree) -> dict[str, Node]:
    ids: dict[str, Node] = {}
    for node in tree.root.walk():
        ident = node.attrs.get("id")
        if ident:
            assert ident not in ids, f"duplicate id {ident}"
            ids[ident] = node
    return ids


def doc_paragraphs(tree: StrictTree) -> list[str]:
    doc = next(node for node in tree.root.walk() if node.attrs.get("id") == "article-text")
    return [child.text() for child in doc.children if isinstance(child, Node) and child.tag == "p"]


# --- audits -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def story(auditor) -> Audit:
    return auditor.audit(SCRAPED_STORY)


@pytest.fixture(scope="module")
def drones(auditor) -> Audit:
    """The bundled example with hedges, denials and a certainty gap."""
    return auditor.audit((EXAMPLES / "01-badge-copied-story.txt").read_text(encoding="utf-8"))


def find(text: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, start, start + len(needle))


def with_assessment(audit: Audit) -> Audit:
    """The audit with signals and a credibility verdict built here (the real stage is written elsewhere)."""
    text, title = audit.article.text, audit.article.title or ""
    first_source = next((a.source for a in audit.attributions if a.source), None)
    evidence = (Span(first_source.start, first_source.end, first_source.text),) if first_source else ()
    signals = (
        Signal(
            "anonymous_sourcing",
            0.4,
            "lowers",
            "Much of the article rests on sources it does not name.",
            evidence=evidence + ((Span.of(text, 0, 3),) if text else ()),
            weight=-12.5,
        ),
        Signal(
            "self_awarded_badge",
            1.0,
            "lowers",
            "The page awarded itself a 'fact checked' badge.",
            removed=tuple(range(len(audit.article.removed))),
            weight=-8.0,
        ),
        Signal(
            "shouting_headline",
            0.0,
            "neutral",
            "The headline is not in capitals.",
            title_evidence=(Span.of(title, 0, min(6, len(title))),) if title else (),
        ),
        Signal("named_sources", 2.0, "raises", "Two sources are named.", weight=4.0),
    )
    credibility = Credibility(38.5, 0.62, "low", ("anonymous_sourcing", "self_awarded_badge"), reputation="unknown")
    return dataclasses.replace(audit, signals=signals, credibility=credibility)


def hostile_audit(auditor) -> Audit:
    """A fictional article whose every field tries to become markup, run through the real pipeline."""
    body = (
        "The mayor of Quillbury said the <script>alert(1)</script> bridge would open on Monday.\n\n"
        "Two officials who asked not to be named said <img src=x onerror=alert(1)> the cost had doubled.\n\n"
        "The council denied that the cost had doubled. \"><svg onload=alert(1)> <div><p></b> Tom & Jerry's cafe "
        "reportedly closed."
    )
    article = Article(
        id="hostile-1",
        url="javascript:alert(1)",
        domain='evil.example"><script>alert(1)</script>',
        site_name=HOSTILE,
        title=f"Quillbury bridge {HOSTILE}",
        subtitle=HOSTILE,
        published="2024-05-01<script>",
        authors=(HOSTILE, "A. Writer & Co"),
        language="en",
        text=body,
        removed=(RemovedChrome("badge", HOSTILE, 0), RemovedChrome("comment_box", "<b>x</b>\n" + HOSTILE, len(body))),
    )
    audit = with_assessment(auditor.audit(article))
    text = audit.article.text
    assert text == body
    explained = tuple(dataclasses.replace(s, explanation=s.explanation + " " + HOSTILE) for s in audit.signals)
    match = FactCheckMatch(
        claim_reviewed=HOSTILE,
        verdict="<b>False</b>",
        publisher='"><script>alert(1)</script>',
        url="javascript:alert(1)",
        date="<i>today</i>",
        score=0.8,
        claimant="<img src=x onerror=alert(1)>",
    )
    claims = tuple(dataclasses.replace(claim, factchecks=(match,)) for claim in audit.claims)
    reuse = Reuse(
        id="other<script>",
        url="data:text/html,<script>alert(1)</script>",
        domain="copy.example<img src=x onerror=alert(1)>",
        title=HOSTILE,
        published="2024-04-30",
        share_this=0.4,
        share_other=0.9,
        passages=(ReusedPassage(find(text, "the cost had doubled"), Span(0, 20, "<script>x</script>")),),
        earlier="other",
    )
    return dataclasses.replace(audit, signals=explained, claims=claims, reuse=(reuse,))


def synthetic() -> Audit:
    """Hand-made crossing, nested, identical, empty and out-of-range spans over a two-paragraph text."""
    text = "Officials reportedly said the plan may fail badly.\n\nA spokesman denied it was failing."
    claim = find(text, "Officials reportedly said the plan may fail badly.")
    source = find(text, "Officials")
    cue = find(text, "said")
    content = find(text, "the plan may fail badly")
    hedge_cross = Span.of(text, text.index("reportedly"), text.index("plan"))  # crosses cue/content boundaries
    denial_cue = find(text, "denied")
    attributions = (
        Attribution(cue, "say", "indirect", 0, Source(source.start, source.end, source.text, "unnamed_group"), content),
        Attribution(denial_cue, "deny", "indirect", 1, None, find(text, "it was failing")),
    )
    hedges = (
        Hedge(find(text, "reportedly"), "reportive", hedge_cross, 0),
        Hedge(find(text, "may"), "epistemic", content, 0),
    )
    denials = (Denial(denial_cue, "denial", 1, None, find(text, "it was failing"), disputes=(content, claim)),)
    from newsaudit.schema import Claim

    claims = (Claim(claim, 0, 0.9, 1, attribution=0, source_kind="unnamed_group", status=("hedged", "denied")),)
    crossing = Span.of(text, text.index("may"), text.index("spokesman") + 3)  # crosses the paragraph break
    signals = (
        Signal("crossing", 1.0, "lowers", "crosses", evidence=(crossing, hedge_cross, Span(5, 5, "")), weight=-3),
        Signal("broken", 1.0, "lowers", "points outside the text", evidence=(Span(len(text) - 2, len(text) + 50, ""),)),
    )
    stance = Stance(
        "Plan fails",
        "agree",
        {"agree": 0.9, "discuss": 0.1},
        (CertaintyGap(claim, 0.8, ("hedged",), (hedges[0].cue,)),),
    )
    article = Article(
        id="synthetic",
        title="Plan fails",
        text=text,
        paragraphs=(find(text, claim.text), find(text, "A spokesman denied it was failing.")),
    )
    return Audit(
        article,
        claims=claims,
        attributions=attributions,
        hedges=hedges,
        denials=denials,
        signals=signals,
        stance=stance,
    )


# --- tests --------------------------------------------------------------------------------------------------------


def test_every_finding_is_highlighted_under_its_id(drones):
    audit = with_assessment(drones)
    assert audit.hedges and audit.denials and audit.claims and audit.stance.certainty_gaps
    tree = parse(render_html(audit))
    ids = by_id(tree)
    spans: list[Span] = [claim.span for claim in audit.claims]
    for attribution in audit.attributions:
        spans.append(attribution.cue)
        if attribution.source:
            spans.append(attribution.source)
    spans += [hedge.cue for hedge in audit.hedges]
    for denial in audit.denials:
        spans += [denial.cue, *denial.disputes]
    spans += [span for signal in audit.signals for span in signal.evidence]
    for gap in audit.stance.certainty_gaps:
        spans += [gap.statement, *gap.evidence]
    for span in spans:
        node = ids.get(span_id(span))
        assert node is not None and node.tag == "mark", span
        assert "hl" in node.attrs["class"].split()
        # The first piece of a span holds its text (all of it unless a crossing span cut it).
        assert span.text.startswith(node.text()) and node.text(), (span, node.text())
    ranks = {node.attrs.get("data-rank") for node in tree.root.walk() if node.tag == "mark"}
    assert {str(claim.rank) for claim in audit.claims} <= ranks
    kinds = {a.source.kind for a in audit.attributions if a.source}
    classes = " ".join(node.attrs.get("class") or "" for node in tree.root.walk())
    assert all(f"k-{kind}" in classes for kind in kinds)


def test_article_text_survives_markup_exactly(story, drones):
    for audit in (with_assessment(story), with_assessment(drones), synthetic()):
        tree = parse(render_html(audit))
        paragraphs = [audit.article.text[p.start : p.end] for p in audit.article.paragraphs]
        assert doc_paragraphs(tree) == paragraphs
        assert "\n\n".join(doc_paragraphs(tree)) == audit.article.text.strip()


def test_crossing_nested_and_broken_spans_nest_properly():
    audit = synthetic()
    page = render_html(audit)
    tree = parse(page)  # strict: every end tag closes the innermost element
    ids = by_id(tree)
    text = audit.article.text
    # A span cut into pieces: the first piece has the id, every piece carries data-of, and the pieces hold it all.
    crossing = audit.signals[0].evidence[0]
    key = span_id(crossing)
    assert key in ids
    pieces = [node for node in tree.root.walk() if node.attrs.get("data-of") == key]
    assert len(pieces) >= 3
    covered = "".join(node.text() for node in pieces if not any(p in pieces for p in _ancestors(node)))
    assert covered.replace("\n", "") == crossing.text.replace("\n", "")
    assert f'.doc:has(#{key}:target) [data-of="{key}"]' in page
    # Empty and out-of-range spans neither crash nor leak.
    assert "ev-5-5" in ids and ids["ev-5-5"].text() == ""
    assert f"ev-{len(text) - 2}-{len(text) + 50}" in ids
    # Denial → disputed and back.
    denial_cue = ids[span_id(audit.denials[0].cue)]
    assert denial_cue.text() == "denied"
    forward = [node.attrs["href"] for node in tree.root.walk() if "ref-dispute" in (node.attrs.get("class") or "")]
    assert forward == [f"#{span_id(span)}" for span in audit.denials[0].disputes]
    back = [node for node in tree.root.walk() if "ref-back" in (node.attrs.get("class") or "")]
    assert back and all(node.attrs["href"] == f"#{span_id(audit.denials[0].cue)}" for node in back)


def _ancestors(node: Node):
    while node.parent is not None:
        node = node.parent
        yield node


def test_every_internal_link_has_a_target(story, drones, auditor):
    # The audits as the pipeline makes them (with whatever signals it gives), and with signals built here.
    for audit in (story, drones, with_assessment(story), with_assessment(drones), synthetic(), hostile_audit(auditor)):
        tree = parse(render_html(audit))
        ids = by_id(tree)
        hrefs = [node.attrs["href"] for node in tree.root.walk() if node.tag == "a" and node.attrs.get("href")]
        internal = [href[1:] for href in hrefs if href.startswith("#")]
        assert internal
        assert [target for target in internal if target not in ids] == []


def test_signal_show_me_links(story):
    audit = with_assessment(story)
    tree = parse(render_html(audit))
    ids = by_id(tree)
    signals = {
        node.attrs["id"]: node for node in tree.root.walk() if re.fullmatch(r"sig-\d+", node.attrs.get("id", ""))
    }
    assert len(signals) == len(audit.signals)
    badge = signals["sig-1"]
    links = [node.attrs["href"] for node in badge.walk() if node.tag == "a"]
    assert links == [f"#rm-{n}" for n in range(len(audit.article.removed))]
    assert ids["rm-0"].tag == "li" and "badge" in ids["rm-0"].text()
    title_links = [node.attrs["href"] for node in signals["sig-2"].walk() if node.tag == "a"]
    assert title_links == [f"#ti-0-{min(6, len(audit.article.title))}"]
    assert ids[title_links[0][1:]].text() == audit.article.title[:6]
    # Ordered by how far each moved the score; weight and direction are written out, not only coloured.
    order = [node.attrs["id"] for node in tree.root.walk() if re.fullmatch(r"sig-\d+", node.attrs.get("id", ""))]
    assert order == ["sig-0", "sig-1", "sig-3", "sig-2"]
    assert "weight -12.5 points" in signals["sig-0"].text() and "lowers trust" in signals["sig-0"].text()


def test_gauge_and_reputation(story):
    audit = with_assessment(story)
    page = render_html(audit)
    assert "38 / 100" in page or "39 / 100" in page
    assert "low credibility" in page and "62%" in page and "not in the loaded source lists" in page
    assert "<svg" in page and 'class="needle"' in page
    unlisted = dataclasses.replace(audit, credibility=dataclasses.replace(audit.credibility, reputation=None))
    assert "no source list loaded" in render_html(unlisted)
    rated = dataclasses.replace(audit, credibility=dataclasses.replace(audit.credibility, reputation="<b>satire</b>"))
    assert "&lt;b&gt;satire&lt;/b&gt;" in render_html(rated)
    none = render_html(dataclasses.replace(audit, credibility=None, signals=()))
    assert "not assessed" in none and 'class="needle"' not in none
    assert "does not decide whether the events it reports are true" in page


def test_not_assessed_shows_the_reason_instead_of_a_gauge(story):
    declined = Credibility(50.0, 0.5, "not_assessed", (), assessed=False, reason="too short: 14 words <b>")
    page = render_html(dataclasses.replace(story, credibility=declined))
    section = page[page.index('<section class="credibility"') :]
    section = section[: section.index("</section>")]
    assert "Not assessed: too short: 14 words &lt;b&gt;." in section
    assert "<svg" not in section and "50 / 100" not in section and "mixed" not in section


def test_separation_on_held_out_sites_stands_beside_the_score(story):
    from newsaudit.models.credibility import CredibilityModel

    model = CredibilityModel.default()
    assert model.held_out is not None  # the shipped model says how well it separated unseen sites
    audit = with_assessment(story)
    shipped = dataclasses.replace(audit, credibility=dataclasses.replace(audit.credibility, model=model.version))
    page = render_html(shipped)
    assert "held out of its fit" in page and f"AUC {model.held_out.auc:.2f}" in page
    assert ('class="cred-separation weak"' in page) == model.held_out.weak
    assert ("weak separation" in page) == model.held_out.weak
    # An assessment by another model version gets no figures that are not its own.
    assert "held out of its fit" not in render_html(audit)


def test_sourcing_says_what_each_share_counts(story):
    tree = parse(render_html(story))
    section = next(node for node in tree.root.walk() if node.attrs.get("id") == "sourcing").text()
    assert f"Of {len(story.claims)} check-worthy claims" in section
    assert f"Of {story.sourcing['n_sentences']} sentences" in section


def test_sourcing_chart_has_a_table_fallback(story):
    tree = parse(render_html(story))
    section = next(node for node in tree.root.walk() if node.attrs.get("id") == "sourcing")
    assert any(node.tag == "svg" and node.attrs.get("aria-hidden") == "true" for node in section.walk())
    table = next(node for node in section.walk() if node.tag == "table")
    rows = [node.text() for node in table.walk() if node.tag == "tr"]
    assert any(row.startswith("anonymous") for row in rows) and any(row.startswith("news outlet") for row in rows)
    assert "Ida Fenwick" in section.text()


def test_csp_is_first_in_head_and_matches_the_style(story):
    page = render_html(with_assessment(story))
    head = page[page.index("<head>") + len("<head>") :]
    first = re.match(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
    assert first, head[:200]
    policy = first.group(1).replace("&#x27;", "'")
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode("utf-8")).digest()).decode()
    assert directives["style-src"] == f"'sha256-{digest}'"
    assert '<meta name="referrer" content="no-referrer">' in page
    tree = parse(page)
    assert [(tag, name) for tag, name, _ in tree.raw_attrs if name == "style"] == []
    assert not any(node.tag in ("script", "link", "img", "iframe", "object") for node in tree.root.walk())
    assert tree.root.children and next(n for n in tree.root.walk() if n.tag == "html").attrs["lang"] == "en"
    assert {n.tag for n in tree.root.walk()} >= {"header", "main", "aside", "nav", "h1", "h2"}


def test_hostile_input_never_becomes_markup(auditor):
    audit = hostile_audit(auditor)
    assert audit.claims and audit.reuse and audit.article.removed
    page = render_html(audit)
    tree = parse(page)
    tags = {node.tag for node in tree.root.walk()}
    assert not tags & {"script", "img", "b", "i"}
    doc = by_id(tree)["article-text"]
    assert {node.tag for node in doc.walk()} == {"div", "p", "mark", "a"}  # no <div>/<p> from the text
    assert "svg" in tags  # our own gauge …
    for node in tree.root.walk():  # … but nothing from the input
        if node.tag == "svg":
            assert not any(name.startswith("on") for name in node.attrs)
    assert [(tag, name) for tag, name, _ in tree.raw_attrs if name.lower().startswith("on")] == []
    assert [(tag, name) for tag, name, _ in tree.raw_attrs if name == "style"] == []
    for tag, name, value in tree.raw_attrs:
        if name in ("href", "src", "action", "formaction", "xlink:href"):
            assert value.startswith("#") or value.startswith(("http://", "https://")), (tag, name, value)
    assert page.count("<script") == 0 and page.lower().count("<svg") == 2  # gauge and chart
    # The hostile text is still there for a reader to see, as text.
    visible = tree.root.text()
    for payload in XSS:
        assert payload in visible
    assert "javascript:alert(1)" in visible and "data:text/html" in visible
    assert "A. Writer & Co" in visible and "<b>False</b>" in visible and "<i>today</i>" in visible
    body = doc_paragraphs(tree)
    assert "\n\n".join(body) == audit.article.text
    # Hostile text in attributes stays inside them: titles carry it escaped.
    titles = [value for _, name, value in tree.raw_attrs if name == "title"]
    assert any("<script>" in value for value in titles) or any("cost" in value for value in titles)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://news.example/a?b=1&c=2", "https://news.example/a?b=1&c=2"),
        ("http://news.example", "http://news.example"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//news.example/a", None),
        ("/relative", None),
        ("https://", None),
        ('https://x.example/"><script>', 'https://x.example/"><script>'),  # escaped where written
        ("vbscript:msgbox", None),
        (None, None),
    ],
)
def test_only_plain_web_urls_become_links(url, expected):
    assert safe_href(url) == expected


def test_web_url_is_a_safe_link(story):
    article = dataclasses.replace(story.article, url="https://news.example/story?id=1&x=2", site_name="Example News")
    tree = parse(render_html(dataclasses.replace(story, article=article)))
    links = [node for node in tree.root.walk() if node.tag == "a" and node.attrs.get("class") == "url"]
    assert len(links) == 1
    assert links[0].attrs["href"] == "https://news.example/story?id=1&x=2"
    assert links[0].attrs["rel"] == "noopener noreferrer nofollow"


def test_edge_cases_render(auditor):
    empty = auditor.audit(b"")
    failed = auditor.audit(b"\x00\x01\x02\x03" * 100)
    german = auditor.audit((EXAMPLES / "05-stadtrat.txt").read_text(encoding="utf-8"))
    plain = auditor.audit("A quiet day\n\nNothing happened in the fictional village of Pell today.")
    assert empty.failed and failed.failed
    assert any(error.code == "unsupported_language" for error in german.errors)
    for audit in (empty, failed, german, plain, Audit(Article(id="x"))):
        page = render_html(audit)
        tree = parse(page)
        ids = by_id(tree)
        assert "article-text" in ids
        assert audit.credibility is not None or "not assessed" in page
        if audit.failed:
            assert "This audit failed" in page
            assert all(error.code in page for error in audit.errors)
    german_tree = parse(render_html(german))
    doc = by_id(german_tree)["article-text"]
    assert doc.attrs.get("lang") == "de"
    assert "\n\n".join(doc_paragraphs(german_tree)) == german.article.text.strip()
    bad_lang = dataclasses.replace(plain, article=dataclasses.replace(plain.article, language='en" onload="x'))
    assert by_id(parse(render_html(bad_lang)))["article-text"].attrs.get("lang") is None


def test_index_of_many_reports_escapes_and_orders(auditor):
    hostile, calm = hostile_audit(auditor), with_assessment(auditor.audit(SCRAPED_STORY))
    page = render_index([("0001-a.html", calm), ("0002-b.html", hostile)])
    tree = parse(page)
    assert not {node.tag for node in tree.root.walk()} & {"script", "img", "svg"}
    assert [(tag, name) for tag, name, _ in tree.raw_attrs if name.lower().startswith("on")] == []
    links = [value for tag, name, value in tree.raw_attrs if tag == "a" and name == "href"]
    assert sorted(links) == ["0001-a.html", "0002-b.html"]
    assert hostile.article.title[:60] in tree.root.text()  # shown, as text (shortened)
    head = page.split("<head>", 1)[1]
    assert head.startswith('<meta http-equiv="Content-Security-Policy"')
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"&#x27;sha256-{digest}&#x27;" in page  # the attribute is escaped; the browser reads the quotes
    calm_score, hostile_score = calm.credibility.score, hostile.credibility.score
    if calm_score != hostile_score:  # least credible first
        assert links[0] == ("0001-a.html" if calm_score < hostile_score else "0002-b.html")
