"""The HTML report for one audit: one self-contained page a fact-checker can read, print and share.

Everything in an audit that came from the input (article text, title, authors, URL, site name, removed chrome,
signal explanations, fact-check fields) is hostile. It is only ever written through `util.esc` (HTML-escaped,
quotes included) and never into CSS; URLs become links only when they are plain http(s). The page needs no
network and runs no script: a Content-Security-Policy `<meta>` allows exactly one inline `<style>` block, by its
hash. Layer toggles work with checkboxes and CSS `:has()`; "show me" links jump to `:target`-highlighted spans.

- `highlights`: the article text and title cut into properly nested highlight marks.
- `sections`: the page's sections (header, article, findings, credibility, signals, sourcing …).
- `page`: the whole page, the index of several reports, the stylesheets (`report.css`, `index.css`) and the CSP.
- `summary`: the summary page of a `newsaudit batch` folder (figures, inline SVG charts, the lowest scores).
- `util`: escaping, shortening, safe links, span ids and the fixed words the report uses.
"""

from newsaudit.render.html.page import csp_for, render_html, render_index
from newsaudit.render.html.summary import render_summary
from newsaudit.render.html.util import safe_href, span_id

__all__ = ["csp_for", "render_html", "render_index", "render_summary", "safe_href", "span_id"]
