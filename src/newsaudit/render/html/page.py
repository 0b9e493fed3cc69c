"""The page: the report for one audit, and an index of several, each one self-contained HTML page.

The page needs no network and runs no script: a Content-Security-Policy `<meta>` (first in `<head>`) allows
exactly one inline `<style>` block, by its SHA-256 hash computed here at render time, and nothing else. The
stylesheets ship next to this module (`report.css`, `index.css`) and are embedded byte for byte as read.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Iterable, Sequence

from newsaudit._version import __version__
from newsaudit.render.html import sections
from newsaudit.render.html.highlights import body_marks, mark_up, title_marks
from newsaudit.render.html.util import DISCLAIMER, esc, shorten
from newsaudit.resources import package_text
from newsaudit.schema import Audit


@functools.cache
def stylesheet(name: str) -> str:
    """A stylesheet shipped next to this module, read once, without the newlines that start or end the file."""
    return package_text(f"render/html/{name}").strip("\n")


def report_css() -> str:
    """The report's stylesheet as its `<style>` block holds it (before the rules for spans cut in pieces)."""
    return "\n" + stylesheet("report.css") + "\n"


def index_css() -> str:
    """The index page's stylesheet as its `<style>` block holds it."""
    return stylesheet("index.css")


def _split_rules(split: Iterable[str]) -> str:
    """Jumping to a span that was cut in pieces highlights every piece (ids are digits only: safe in CSS)."""
    return "".join(f'.doc:has(#{key}:target) [data-of="{key}"]{{background:var(--target)}}\n' for key in sorted(split))


def csp_for(style: str) -> str:
    """The page's Content-Security-Policy: nothing but the one inline style block, by its hash."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; script-src 'none'; base-uri 'none'; form-action 'none'"


def page_head(title: str, style: str) -> str:
    """Every page's start, to the end of `<head>`: the CSP first (it allows `style`, the one style block, by
    hash, and nothing else), then charset, no referrer, viewport, "newsaudit: `title`" and the style block."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head>'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp_for(style))}">'
        '<meta charset="utf-8"><meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsaudit: {esc(title)}</title><style>{style}</style></head>"
    )


def render_html(audit: Audit) -> str:
    """The whole report as one self-contained HTML page (no network, no script)."""
    article = audit.article
    marks, inserts = body_marks(audit)
    marked = mark_up(article.text, marks, inserts, "ev", paragraphs=True)
    title = article.title or ""
    title_html = mark_up(title, title_marks(audit), {}, "ti", paragraphs=False).html if title else "(untitled)"
    style = report_css() + _split_rules(marked.split)
    page_title = shorten(article.title or article.url or article.id or "article", 90)
    main = sections.main_content(audit, marked)
    aside = sections.assessment(audit)
    footer = (
        f"<footer>newsaudit {esc(__version__)} · audit schema {esc(audit.schema_version)}"
        + (f" · model {esc(audit.credibility.model)}" if audit.credibility and audit.credibility.model else "")
        + "</footer>"
    )
    return (
        page_head(page_title, style) + "<body>"
        '<a class="skip" href="#article-text">Skip to the article</a>'
        f"{sections.header(audit, title_html)}{sections.nav(audit)}"
        f'<div class="layout">{main}{aside}</div>{footer}'
        "</body></html>\n"
    )


def render_index(pages: Sequence[tuple[str, Audit]]) -> str:
    """A page listing several reports (file name, audit), least credible first: what to read first."""

    def order(item: tuple[str, Audit]) -> float:
        assessed = item[1].credibility
        return assessed.score if assessed is not None else 101.0

    rows = []
    for name, audit in sorted(pages, key=order):
        article, assessed = audit.article, audit.credibility
        score = f"{assessed.score:.0f}" if assessed else "–"
        label = assessed.label if assessed else "not assessed"
        weights = {signal.name: signal.weight for signal in audit.signals}
        reasons = ", ".join(
            f"{'▲' if weights.get(name, 0) > 0 else '▼'} {name.replace('_', ' ')} {weights.get(name, 0):+.1f}"
            for name in (assessed.top_signals[:4] if assessed else ())
        )
        problem = f" ({len(audit.errors)} problem{'s' if len(audit.errors) != 1 else ''})" if audit.errors else ""
        rows.append(
            f'<tr><td><a href="{esc(name)}">{esc(shorten(article.title or article.url or article.id, 100))}</a>'
            f"{esc(problem)}</td><td>{esc(article.site_name or article.domain or '')}</td>"
            f'<td class="n">{esc(score)}</td><td class="{esc(label)}">{esc(label)}</td><td>{esc(reasons)}</td></tr>'
        )
    style = index_css()
    return (
        page_head(f"{len(pages)} reports", style) + "<body><main>"
        f"<h1>{len(pages)} audited article{'s' if len(pages) != 1 else ''}</h1>"
        f'<p class="note">{esc(DISCLAIMER)} Least credible first.</p>'
        '<table><thead><tr><th scope="col">article</th><th scope="col">site</th><th scope="col">score</th>'
        '<th scope="col">label</th><th scope="col">what moved it most (points; ▼ lowered, ▲ raised)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></main></body></html>\n"
    )
