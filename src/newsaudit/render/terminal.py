"""The terminal report for one audit, built from Rich renderables.

Article text is untrusted: it goes into `rich.text.Text` objects, never through Rich's markup parser, so
brackets in an article cannot restyle or hide anything. Sections are plain functions listed in `SECTIONS`;
later stages add theirs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsaudit.model import Audit

#: spaCy entity labels grouped the way a reader thinks of them.
ENTITY_GROUPS = {
    "People": ("PERSON",),
    "Organizations": ("ORG", "NORP"),
    "Places": ("GPE", "LOC", "FAC"),
    "Times": ("DATE", "TIME"),
    "Numbers": ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL"),
    "Other": ("EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"),
}


def header(audit: Audit) -> RenderableType:
    article = audit.article
    title = Text(article.title or "(untitled)", style="bold")
    lines: list[RenderableType] = [title]
    if article.subtitle:
        lines.append(Text(article.subtitle, style="italic"))
    facts = [
        ("site", article.site_name or article.domain),
        ("published", article.published),
        ("by", ", ".join(article.authors) if article.authors else None),
        ("language", article.language),
        ("words", str(len(article.text.split()))),
        ("sentences", str(len(audit.sentences))),
    ]
    meta = Text()
    for label, value in facts:
        if value:
            if meta:
                meta.append("  ·  ", style="dim")
            meta.append(f"{label} ", style="dim")
            meta.append(value)
    lines.append(meta)
    lines.append(Text(f"{article.url or article.source or ''}  [{article.id}]", style="dim"))
    return Panel(Group(*lines), border_style="red" if audit.failed else "blue", expand=True)


def problems(audit: Audit) -> RenderableType | None:
    if not audit.errors:
        return None
    text = Text()
    for error in audit.errors:
        style = "bold red" if error.severity == "error" else "yellow"
        text.append(f"{error.severity}: ", style=style)
        text.append(f"{error.message} ({error.stage}/{error.code})\n")
    text.rstrip()
    return text


def removed_chrome(audit: Audit) -> RenderableType | None:
    if not audit.article.removed:
        return None
    table = Table(title="Removed site chrome", title_justify="left", expand=True, show_lines=False)
    table.add_column("kind", style="magenta", no_wrap=True)
    table.add_column("text", ratio=1)
    table.add_column("at char", justify="right", style="dim")
    for piece in audit.article.removed:
        first_lines = piece.text.split("\n")
        shown = " / ".join(first_lines[:3]) + (f" … (+{len(first_lines) - 3} lines)" if len(first_lines) > 3 else "")
        table.add_row(piece.kind, Text(_shorten(shown, 160)), str(piece.at))
    return table


def entity_summary(audit: Audit) -> RenderableType | None:
    if not audit.entities:
        return None
    by_group: dict[str, Counter] = defaultdict(Counter)
    group_of = {label: group for group, labels in ENTITY_GROUPS.items() for label in labels}
    for entity in audit.entities:
        by_group[group_of.get(entity.label, "Other")][entity.text] += 1
    table = Table(title="Who and what it mentions", title_justify="left", expand=True)
    table.add_column("", style="cyan", no_wrap=True)
    table.add_column("most mentioned", ratio=1)
    for group in ENTITY_GROUPS:
        if group in by_group:
            top = by_group[group].most_common(8)
            shown = ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in top)
            table.add_row(group, Text(shown))
    return table


SECTIONS: list[Callable[[Audit], RenderableType | None]] = [header, problems, removed_chrome, entity_summary]


def render(audit: Audit) -> RenderableType:
    """The full report for one audit."""
    parts = [section(audit) for section in SECTIONS]
    return Group(*(part for part in parts if part is not None), Text(""))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
