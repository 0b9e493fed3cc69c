"""The summary page of a `newsaudit batch` folder: one self-contained HTML page, no script, inline SVG charts.

It is drawn from the plain figures of `newsaudit.batch.summary.summarise` (a dict, the JSON of `newsaudit
summary DIR --format json`), under the report page's rules: everything from the input goes through `esc`,
links are made only from plain http(s) URLs or the folder's own report file names, and the
Content-Security-Policy allows the one style block by its hash and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from newsaudit._version import __version__
from newsaudit.render.html.charts import bar_chart
from newsaudit.render.html.page import page_head, stylesheet
from newsaudit.render.html.util import DISCLAIMER, esc, safe_href, shorten

_REPORT = re.compile(r"reports/[A-Za-z0-9._-]+\.html")


def render_summary(data: dict[str, Any]) -> str:
    """The whole summary page for the figures `data`."""
    style = stylesheet("summary.css")
    labels = data.get("labels", {})
    figures = [
        ("articles", data.get("articles", 0)),
        ("assessed", data.get("assessed", 0)),
        ("errors", sum(data.get("errors", {}).values())),
        ("shards done", f"{data.get('shards_done', 0)} of {data.get('shards_planned') or '?'}"),
    ] + [(label, count) for label, count in labels.items()]
    histogram = data.get("credibility_histogram", [])
    sections = [
        "<h1>newsaudit batch summary</h1>",
        f'<p class="note">{esc(data.get("folder", ""))}. {esc(DISCLAIMER)}</p>',
        '<ul class="figures">'
        + "".join(f"<li><b>{esc(_number(value))}</b>{esc(name)}</li>" for name, value in figures)
        + "</ul>",
        '<div class="grid">',
        bar_chart(
            "Credibility scores",
            [(f"{b['from']}–{b['to']}", b["articles"], _band(b["from"])) for b in histogram],
            vertical=True,
        ),
        bar_chart("Errors by code", [(code, n, "") for code, n in data.get("errors", {}).items()]),
        bar_chart("Languages", [(code, n, "") for code, n in data.get("languages", {}).items()]),
        bar_chart(
            "Most frequent top signals", [(s.replace("_", " "), n, "") for s, n in data.get("signals", {}).items()]
        ),
        *_copying(data.get("copying")),
        "</div>",
        _sites("Top sites by volume", data.get("domains_by_volume", [])),
        _sites(
            f"Sites by mean score, lowest first (at least {data.get('min_site_articles', 1)} assessed articles)",
            data.get("domains_by_mean_score", []),
        ),
        _lowest(data.get("lowest", [])),
    ]
    return (
        page_head(f"{_number(data.get('articles', 0))} articles", style) + f"<body><main>{''.join(sections)}</main>"
        f"<footer>newsaudit {esc(__version__)}</footer></body></html>\n"
    )


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _band(low: int) -> str:
    """The colour class of a score bucket, by the credibility labels' bands (under 40 low, 60 and up high)."""
    return "low" if low < 40 else "high" if low >= 60 else "mixed"


def _copying(copying: dict[str, Any] | None) -> list[str]:
    """With a corpus: the sites copied from without credit (or mostly), as a chart with the counts."""
    if not copying:
        return []
    title = (
        f"Copied from (largest source of {copying['with_signals']:,} articles with copying signals, "
        f"of {copying['looked_up']:,} looked up)"
    )
    return [bar_chart(title, [(site, n, "") for site, n in copying["copied_from"].items()])]


def _sites(title: str, sites: Sequence[dict[str, Any]]) -> str:
    if not sites:
        return f"<section><h2>{esc(title)}</h2><p>none</p></section>"
    rows = []
    for site in sites:
        mean = "–" if site["mean_score"] is None else f"{site['mean_score']:.1f}"
        rows.append(
            f"<tr><td>{esc(site['domain'])}</td><td class='n'>{site['articles']:,}</td>"
            f"<td class='n'>{site['assessed']:,}</td><td class='n'>{mean}</td></tr>"
        )
    return (
        f"<section><h2>{esc(title)}</h2><table><thead><tr><th scope='col'>site</th>"
        "<th class='n' scope='col'>articles</th><th class='n' scope='col'>assessed</th>"
        f"<th class='n' scope='col'>mean score</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _lowest(articles: Sequence[dict[str, Any]]) -> str:
    title = "Lowest scores"
    if not articles:
        return f"<section><h2>{title}</h2><p>no article was assessed</p></section>"
    rows = []
    for article in articles:
        name = esc(shorten(article.get("title") or article.get("url") or article.get("id") or "article", 90))
        report = article.get("report") or ""
        linked = f'<a href="{esc(report)}">{name}</a>' if _REPORT.fullmatch(report) else name
        url = safe_href(article.get("url"))
        origin = f' (<a href="{esc(url)}" rel="noreferrer">original</a>)' if url else ""
        signals = ", ".join(signal.replace("_", " ") for signal in article.get("top_signals") or [])
        rows.append(
            f"<tr><td>{linked}{origin}<br><small>{esc(article.get('id'))}</small></td>"
            f"<td>{esc(article.get('domain') or '')}</td><td class='n'>{article.get('score', 0):.1f}</td>"
            f"<td class='{esc(article.get('label') or '')}'>{esc(article.get('label') or '')}</td>"
            f"<td>{esc(signals)}</td></tr>"
        )
    return (
        f"<section><h2>{title}</h2>"
        "<p class='note'>A report page appears once written: <code>newsaudit report DIR ID</code>.</p>"
        "<table><thead><tr><th scope='col'>article</th><th scope='col'>site</th><th class='n' scope='col'>score</th>"
        "<th scope='col'>label</th><th scope='col'>top signals</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
