"""The HTML report in a real headless Chromium (Debian's `chromium`, driven by Playwright with
`executable_path`; no browser downloads): highlights show, "show me" and denial links jump to visibly marked
spans, toggles hide layers, Tab reaches the links, hostile input runs no script, and the page's own style passes
its CSP. Skips when Chromium or Playwright is missing, unless NEWSAUDIT_REQUIRE_BROWSER=1 (CI) makes that a
failure. Leaves build/report-e2e.png and build/report-e2e.html as CI artifacts."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from newsaudit.render.html import render_html, span_id
from newsaudit.schema import Audit, RemovedChrome, Reuse, ReusedPassage, Span
from tests.conftest import EXAMPLES, REPO
from tests.unit.render.test_report_html import HOSTILE, find, with_assessment

PWNED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
BUILD = REPO / "build"


def _unavailable(reason: str) -> None:
    """Skip, or fail where CI promised a browser (NEWSAUDIT_REQUIRE_BROWSER=1)."""
    if os.environ.get("NEWSAUDIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a headless Chromium is required here but unavailable: {reason}")
    pytest.skip(reason)


def _chromium() -> str:
    for name in (os.environ.get("NEWSAUDIT_CHROMIUM"), "chromium", "chromium-browser"):
        path = name and shutil.which(name)
        if path:
            return path
    _unavailable("no Chromium found (apt-get install chromium, or set NEWSAUDIT_CHROMIUM)")
    raise AssertionError  # unreachable


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except Exception as error:  # a broken or incompatible Chromium
            _unavailable(f"Chromium at {executable} did not start: {error}")
        yield launched
        launched.close()


def hostile_report(auditor) -> Audit:
    """The bundled (fictional) drone story with a hostile paragraph appended and hostile metadata everywhere."""
    audit = with_assessment(auditor.audit((EXAMPLES / "01-badge-copied-story.txt").read_text(encoding="utf-8")))
    assert audit.denials and audit.denials[0].disputes
    text = audit.article.text + "\n\nA reader wrote: " + HOSTILE + " " + PWNED
    article = dataclasses.replace(
        audit.article,
        text=text,  # appended: every earlier span still points at the same characters
        title="Drones <b>everywhere</b> " + PWNED,
        subtitle=HOSTILE + PWNED,
        authors=(PWNED,),
        site_name=PWNED,
        url="javascript:window.__pwned=1",
        removed=(*audit.article.removed, RemovedChrome("comment_box", PWNED + "\n" + HOSTILE, len(text))),
    )
    signals = tuple(dataclasses.replace(s, explanation=s.explanation + " " + PWNED) for s in audit.signals)
    copied = Reuse(
        id="other",
        url="https://wire.example/drones",
        domain="wire.example",
        title="Drones near the border " + PWNED,
        published="2024-03-01",
        share_this=0.2,
        share_other=0.5,
        passages=(ReusedPassage(find(text, "The aircraft arrived at the airstrips"), Span(0, 10, "The aircra")),),
        earlier="other",
    )
    return dataclasses.replace(audit, article=article, signals=signals, reuse=(copied,))


def test_report_in_headless_chromium(browser, auditor, tmp_path: Path):
    audit = hostile_report(auditor)
    page_html = render_html(audit)
    report = tmp_path / "report.html"
    report.write_text(page_html, encoding="utf-8")

    page = browser.new_page(viewport={"width": 1280, "height": 720})
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(report.as_uri())
    page.wait_for_load_state("load")

    # Nothing from the input ran, and our own style passed the CSP (it applies, and nothing was refused).
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("window.__csp") == []
    assert [line for line in console if "error" in line.split(":")[0]] == []
    assert page.locator("h1").inner_text().startswith("Drones <b>everywhere</b> <script>")

    # Highlights are there and visible.
    claim = page.locator("#article-text mark.claim[data-rank='1']").first
    assert claim.is_visible()
    background = claim.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.locator("#article-text mark.src").count() >= 3
    assert page.locator("#article-text mark.hedge").first.is_visible()

    # A signal's "show me" link moves to its evidence and marks it.
    evidence = audit.signals[0].evidence[0]
    target = span_id(evidence)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.locator(f"#sig-0 a[href='#{target}']").click()
    assert page.evaluate("location.hash") == f"#{target}"
    marked = page.locator(f"#{target}")
    style = marked.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.backgroundColor]; }")
    assert style == ["solid", "rgb(255, 210, 77)"]
    box = marked.bounding_box()
    assert box is not None and 0 <= box["y"] < 720, box

    # The removed-chrome link reaches its list entry.
    page.locator("#sig-1 a[href='#rm-0']").click()
    assert page.locator("#rm-0").evaluate("e => getComputedStyle(e).outlineStyle") == "solid"

    # A denial's link reaches what it disputes, and the way back.
    denial = audit.denials[0]
    first_disputed = span_id(denial.disputes[0])
    page.locator(f"#{span_id(denial.cue)} a.ref-dispute").first.click()
    assert page.evaluate("location.hash") == f"#{first_disputed}"
    assert page.locator(f"#{first_disputed}").evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.locator(f"#{first_disputed} a.ref-back").first.click()
    assert page.evaluate("location.hash") == f"#{span_id(denial.cue)}"

    # Toggling a layer hides its highlights (and only its).
    page.uncheck("#t-claim")
    assert claim.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    hedge = page.locator("#article-text mark.hedge").first
    assert hedge.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    page.uncheck("#t-hedge")
    assert hedge.evaluate("e => getComputedStyle(e).fontStyle") == "normal"
    page.uncheck("#t-denial")
    assert page.locator("#article-text a.ref-dispute").first.is_hidden()
    copied = page.locator("#article-text mark.copied").first
    assert copied.evaluate("e => getComputedStyle(e).outlineStyle") == "dashed"
    page.uncheck("#t-copied")
    assert copied.evaluate("e => getComputedStyle(e).outlineStyle") == "none"
    page.check("#t-copied")
    page.check("#t-claim")
    page.check("#t-hedge")
    page.check("#t-denial")
    assert claim.evaluate("e => getComputedStyle(e).backgroundColor") == background

    # Keyboard: Tab walks from the skip link through the toggles to in-text and "show me" links.
    page.goto(report.as_uri())
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("(e => e.id || e.getAttribute('href') || e.tagName)(document.activeElement)"))
    assert reached[0] == "#article-text"  # the skip link
    assert "t-claim" in reached
    assert any(str(item).startswith("#ev-") for item in reached)
    focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus == "solid"  # a visible focus ring

    # Artifacts for CI and for a person to look at.
    page.goto(report.as_uri())
    BUILD.mkdir(exist_ok=True)
    page.screenshot(path=str(BUILD / "report-e2e.png"), full_page=True)
    (BUILD / "report-e2e.html").write_text(page_html, encoding="utf-8")
    page.close()


def test_title_evidence_is_marked(browser, auditor, tmp_path: Path):
    audit = with_assessment(auditor.audit("SHOCKING NEWS FROM PELL\n\nThe fictional village of Pell held a fair."))
    title = audit.article.title
    signal = dataclasses.replace(audit.signals[2], title_evidence=(Span.of(title, 0, 8),))
    audit = dataclasses.replace(audit, signals=(*audit.signals[:2], signal, *audit.signals[3:]))
    report = tmp_path / "title.html"
    report.write_text(render_html(audit), encoding="utf-8")
    page = browser.new_page()
    page.goto(report.as_uri())
    page.locator("#sig-2 a[href='#ti-0-8']").click()
    assert page.locator("#ti-0-8").inner_text() == "SHOCKING"
    assert page.locator("#ti-0-8").evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    page.close()


def test_story_page_in_headless_chromium(browser, tmp_path: Path):
    """The story page (`newsaudit story DB ID --format html`) at desktop and phone widths: hostile outlet
    values run nothing, the timeline lists every member with its role, the claims show who denies them."""
    from newsaudit import Auditor
    from newsaudit.render.html.story_page import render_story
    from newsaudit.stores.corpus import Corpus
    from tests.story_fixtures import wire_story

    articles = wire_story(reprints=4)
    hostile = dataclasses.replace(articles[1], title=PWNED, url="javascript:window.__pwned=1")
    articles[1] = hostile
    location = str(tmp_path / "corpus.sqlite")
    with Corpus(location) as corpus:
        corpus.add(articles)
        story_id = corpus.story_of("wire-original")
    audit = Auditor(corpus=location, workers=1).story(story_id)
    page_file = tmp_path / "story.html"
    page_file.write_text(render_story(audit), encoding="utf-8")
    report_file = tmp_path / "report.html"
    report_file.write_text(render_html(audit), encoding="utf-8")
    for width, height in ((1280, 800), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));"
        )
        page.goto(page_file.as_uri())
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.scripts.length") == 0 and page.evaluate("window.__csp") == []
        rows = page.locator("tbody tr")
        assert rows.count() == len(articles)
        assert rows.first.inner_text().count("original") == 1
        assert page.locator("tbody tr.copy").count() == 4 and page.locator("tbody tr.rebuttal").count() == 1
        assert page.locator("a[href^='javascript']").count() == 0
        assert "gazette.example denies" in page.locator("ol").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1 or width > 1000
        BUILD.mkdir(exist_ok=True)
        page.screenshot(path=str(BUILD / f"story-e2e-{width}.png"), full_page=True)
        page.close()
    page = browser.new_page()
    page.goto(report_file.as_uri())
    section = page.locator("#story")
    assert section.is_visible() and "4 independent origins" not in section.inner_text()
    assert "original" in section.inner_text() and section.locator(f"a[href='story-{story_id}.html']").count() == 1
    page.close()
