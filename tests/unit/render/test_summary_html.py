"""The batch summary page: hostile figures escaped, links only where safe, no script, charts drawn."""

from __future__ import annotations

import html
import re

from newsaudit.batch.summary import report_name
from newsaudit.render.html import render_summary

HOSTILE = '<script>alert("fiction")</script>'


def _figures(**changes) -> dict:
    figures = {
        "folder": "out/",
        "shards_done": 2,
        "shards_planned": 3,
        "articles": 12,
        "assessed": 10,
        "errors": {"empty_input": 2},
        "labels": {"mixed": 7, "low": 3, "not_assessed": 2},
        "credibility_histogram": [{"from": i * 10, "to": i * 10 + 10, "articles": i % 3} for i in range(10)],
        "languages": {"en": 11, HOSTILE: 1},
        "domains_by_volume": [{"domain": HOSTILE, "articles": 5, "assessed": 4, "mean_score": 31.25}],
        "domains_by_mean_score": [],
        "min_site_articles": 3,
        "signals": {"anonymous_sourcing": 4},
        "lowest": [
            {"id": HOSTILE, "title": HOSTILE, "url": "javascript:alert(1)", "domain": "x.example", "score": 12.0,
             "label": "low", "top_signals": ["copied_text"], "report": "../../etc/passwd"},
            {"id": "fiction-1", "title": "A fictional ferry", "url": "https://ferry.example/1", "domain": "f.example",
             "score": 20.0, "label": "low", "top_signals": [], "report": f"reports/{report_name('fiction-1')}"},
        ],
    }  # fmt: skip
    figures.update(changes)
    return figures


def test_summary_page_escapes_everything_and_links_only_safe_targets():
    page = render_summary(_figures())
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page.replace("javascript:alert(1)", "") and 'href="javascript' not in page
    assert 'href="../../etc/passwd"' not in page
    assert f'href="reports/{report_name("fiction-1")}"' in page and 'href="https://ferry.example/1"' in page
    assert "script-src 'none'" in html.unescape(page) and "default-src 'none'" in html.unescape(page)


def test_summary_page_draws_one_bar_per_bucket_and_says_none_for_empty_charts():
    page = render_summary(_figures(errors={}, signals={}))
    scores = re.search(r'aria-label="Credibility scores">(.*?)</svg>', page).group(1)
    assert scores.count("<rect") == 10
    assert "<h2>Errors by code</h2><p>none</p>" in page


def test_report_names_are_safe_file_names_and_distinct():
    names = {report_name(i) for i in ("a/b", "a-b", "../x", "", HOSTILE, "é")}
    assert len(names) == 6
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.html", name) and not name.startswith(".") for name in names)
