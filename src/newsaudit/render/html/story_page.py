"""The story page (`newsaudit story DB ID --format html`), drawn from the audit of the story's first report.

A timeline of every member (date, when newsaudit first saw it, outlet, role, origin, what it copies) and the
claim groups (each claim of the first report with its corroboration, who carries it and who denies it, with
their sentences). The report's rules hold: every value is escaped, only plain http(s) URLs become links, no
script, nothing loaded (one inline style, allowed by its hash).
"""

from __future__ import annotations

from newsaudit.render.html.page import index_css, page_head
from newsaudit.render.html.story import ROLE_WORDS, outlet, summary_line
from newsaudit.render.html.util import DISCLAIMER, esc, safe_href, shorten
from newsaudit.schema import Audit


def render_story(audit: Audit) -> str:
    """The story page, from the audit of the story's first report (whose `story` is the story)."""
    finding = audit.story
    if finding is None:
        raise ValueError("this audit has no story (audit it with a corpus)")
    rows = []
    for member in finding.members:
        href = safe_href(member.url)
        title = esc(shorten(member.title or member.url or member.id, 100))
        title = f'<a href="{esc(href)}">{title}</a>' if href else title
        copies = f"{esc(outlet(finding, member.copies))} ({member.share:.0%} of its text)" if member.copies else ""
        rows.append(
            f'<tr class="{esc(member.role)}"><td>{esc(member.published or "no date")}</td>'
            f"<td>{esc(member.seen or '')}</td><td>{esc(member.domain or '')}</td><td>{title}</td>"
            f'<td>{esc(ROLE_WORDS.get(member.role, member.role))}</td><td class="n">{int(member.origin) + 1}</td>'
            f"<td>{copies}</td></tr>"
        )
    groups = []
    for support in finding.claims:
        claim = audit.claims[support.claim]
        # One carrying sentence per independent origin (ten reprints say one thing once), and every denial.
        origin_of = {member.id: member.origin for member in finding.members}
        shown_origins: set[int] = set()
        picked = []
        for quote in support.quotes:
            origin = origin_of.get(quote.article, -1)
            if quote.stance == "denies" or origin not in shown_origins:
                picked.append(quote)
                shown_origins.add(origin)
        quotes = "".join(
            f"<li><strong>{esc(outlet(finding, quote.article))}</strong> {esc(quote.stance)}: "
            f"“{esc(shorten(quote.span.text, 200))}”</li>"
            for quote in picked
        )
        groups.append(
            f"<li><p>“{esc(shorten(claim.span.text, 240))}”</p>"
            f"<p>corroboration: <strong>{support.corroboration}</strong> independent origin"
            f"{'s' if support.corroboration != 1 else ''} · carried by {len(support.carried_by)} · denied by "
            f"{len(support.denied_by)}</p>" + (f"<ul>{quotes}</ul>" if quotes else "") + "</li>"
        )
    shown = "" if len(finding.members) == finding.size else f" (the first {len(finding.members)} shown)"
    style = index_css()
    title = f"Story {int(finding.id)}: {shorten(audit.article.title or audit.article.id, 80)}"
    return (
        page_head(title, style) + "<body><main>"
        f"<h1>{esc(title)}</h1><p>{esc(summary_line(finding))}</p>"
        + (f'<p class="note">{esc(finding.note)}</p>' if finding.note else "")
        + f'<h2>Timeline</h2><p class="note">Every article of the story{esc(shown)}, earliest first. '
        "An origin is a copy family (articles sharing most of their text) or several of one owner.</p>"
        '<div class="wide"><table><thead><tr><th scope="col">published</th><th scope="col">first seen</th>'
        '<th scope="col">outlet</th><th scope="col">title</th><th scope="col">role</th>'
        '<th scope="col">origin</th><th scope="col">copies</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        "<h2>Claims across the story</h2>"
        f'<p class="note">The first report\'s check-worthy claims; corroboration counts the independent origins '
        f"that carry each. {esc(DISCLAIMER)}</p>"
        + (f"<ol>{''.join(groups)}</ol>" if groups else '<p class="note">No check-worthy claim to compare.</p>')
        + "</main></body></html>\n"
    )
