"""HTML pages for the lists the CLI prints besides audits: the fact-checks closest to a claim, a corpus's reuse
families. The report's rules hold: every value from a store is escaped, only plain http(s) URLs become links,
and the page runs no script and loads nothing (one inline style, allowed by its hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsaudit.render.html.page import index_css, page_head
from newsaudit.render.html.util import esc, safe_href, shorten
from newsaudit.schema import FactCheckMatch
from newsaudit.stores.corpus import Cluster

#: A table cell: text, or text with a link (used only if it is a plain http(s) URL).
Cell = str | tuple[str, str | None]


def render_table_page(title: str, note: str, columns: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """One self-contained page holding one table (or, without rows, saying that nothing was found)."""
    body = "".join("<tr>" + "".join(f"<td>{_cell(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    head = "".join(f'<th scope="col">{esc(column)}</th>' for column in columns)
    table = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        if body
        else '<p class="note">Nothing found.</p>'
    )
    style = index_css()
    return (
        page_head(shorten(title, 90), style) + "<body><main>"
        f'<h1>{esc(title)}</h1><p class="note">{esc(note)}</p>{table}</main></body></html>\n'
    )


def render_factcheck_matches(claim: str, matches: Sequence[FactCheckMatch], store: str) -> str:
    """The fact-checks a search found for `claim`, best first, as `newsaudit factchecks search` lists them."""
    rows = [
        (
            f"{match.score:.2f}",
            match.verdict or "",
            match.claim_reviewed,
            match.claimant or "",
            match.publisher or "",
            match.date or "",
            (match.url or "", match.url),
        )
        for match in matches
    ]
    return render_table_page(
        f"Fact-checks for: {claim}",
        f"From the fact-check store {store}, closest first (score 0–1). A match is a published fact-check that "
        "may concern the claim; read it before relying on its verdict.",
        ("score", "verdict", "claim reviewed", "claimant", "publisher", "date", "link"),
        rows,
    )


def render_clusters(families: Sequence[Cluster], store: str, min_share: float) -> str:
    """A corpus's reuse families, largest first, as `newsaudit corpus clusters` lists them."""
    ordered = sorted(families, key=lambda family: (-len(family.members), family.earliest))
    rows = [(family.earliest, str(len(family.members)), ", ".join(family.members)) for family in ordered]
    return render_table_page(
        f"Reuse families in {store}",
        f"Articles joined by shared passages covering at least {min_share:.0%} of either text; earliest member "
        "first (by publication date, undated last).",
        ("earliest", "size", "members"),
        rows,
    )


def _cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        text, url = cell
        href = safe_href(url)
        return f'<a href="{esc(href)}">{esc(text)}</a>' if href else esc(text)
    return esc(cell)
