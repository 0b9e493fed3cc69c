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

from newsaudit.models.credibility import held_out_for
from newsaudit.schema import Audit

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


def sources(audit: Audit) -> RenderableType | None:
    """Who the article rests on: one row per source, with its kind, how many statements and which cues."""
    if not audit.attributions:
        return None
    rows: dict[tuple[str, str], dict] = {}
    for attribution in audit.attributions:
        source = attribution.source
        # An anonymous source has no name: show its first description, without apposition or clause.
        name = (source.name or source.text.split(",")[0]) if source else "(no source given)"
        kind = source.kind if source else "unattributed"
        row = rows.setdefault((name, kind), {"count": 0, "cues": Counter(), "types": Counter()})
        row["count"] += 1
        row["cues"][attribution.cue.text.lower()] += 1
        row["types"][attribution.type] += 1
    profile = audit.sourcing or {}
    title = "Sources"
    if profile:
        title += f"  ·  {profile.get('n_named_sources', 0)} named"
    title += claim_shares(audit)
    if profile:
        title += (
            f"  ·  of {profile.get('n_sentences', len(audit.sentences))} sentences: "
            f"{profile.get('share_anonymous_or_unnamed', 0):.0%} on anonymous or unnamed sources, "
            f"{profile.get('share_unattributed', 0):.0%} with no attribution"
        )
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("who", ratio=2)
    table.add_column("kind", style=None, no_wrap=True)
    table.add_column("statements", justify="right")
    table.add_column("cues", ratio=1)
    for (name, kind), row in sorted(rows.items(), key=lambda item: -item[1]["count"]):
        cues = ", ".join(cue for cue, _ in row["cues"].most_common(4))
        table.add_row(
            Text(_shorten(name, 70)), Text(kind, style=KIND_STYLES.get(kind, "")), str(row["count"]), Text(cues)
        )
    return table


def claim_shares(audit: Audit) -> str:
    """The sourcing of the claims, which the credibility signals count, so that a report's figures on claims
    and on sentences each say their base ("of 22 claims", "of 40 sentences")."""
    if not audit.claims:
        return ""
    total = len(audit.claims)
    anonymous = sum(1 for claim in audit.claims if claim.source_kind in ("anonymous", "unnamed_group"))
    unattributed = sum(1 for claim in audit.claims if claim.source_kind == "unattributed")
    return f"  ·  of {total} claims: {anonymous} on anonymous or unnamed sources, {unattributed} with no source"


KIND_STYLES = {
    "anonymous": "bold yellow",
    "unnamed_group": "yellow",
    "unattributed": "dim",
    "person": "green",
    "official": "green",
    "organization": "cyan",
    "government": "cyan",
    "outlet": "blue",
    "document": "magenta",
}


def denials(audit: Audit) -> RenderableType | None:
    """Each denial or contradiction, by whom, and what it disputes."""
    if not audit.denials:
        return None
    table = Table(title="Denials and contradictions", title_justify="left", expand=True, show_lines=True)
    table.add_column("kind", style="red", no_wrap=True)
    table.add_column("who", ratio=1)
    table.add_column("says", ratio=2)
    table.add_column("disputes", ratio=3)
    for denial in audit.denials:
        who = (denial.source.name or denial.source.text) if denial.source else ""
        says = denial.cue.text + (f": {denial.target.text}" if denial.target else "")
        disputed = "\n".join("• " + _shorten(span.text, 140) for span in denial.disputes)
        table.add_row(denial.kind, Text(_shorten(who, 60)), Text(_shorten(says, 120)), Text(disputed))
    return table


def stance(audit: Audit) -> RenderableType | None:
    """Headline ↔ body stance, and each place where the headline is more certain than the body."""
    found = audit.stance
    if found is None:
        return None
    text = Text("Headline ↔ body: ", style="bold")
    text.append(found.label, style="red" if found.label == "disagree" else "bold")
    ranked = sorted(found.probabilities.items(), key=lambda item: -item[1])
    text.append("  (" + ", ".join(f"{label} {p:.2f}" for label, p in ranked) + ")", style="dim")
    if not found.certainty_gaps:
        return text
    table = Table(
        title="Certainty gap: the headline states flatly what the body weakens",
        title_justify="left",
        expand=True,
        show_lines=True,
    )
    table.add_column("body statement", ratio=3)
    table.add_column("weakened by", ratio=2)
    for gap in found.certainty_gaps:
        why = Text()
        for number, (reason, span) in enumerate(zip(gap.reasons, gap.evidence, strict=True)):
            why.append(("\n" if number else "") + reason, style="yellow")
            why.append(f": {_shorten(span.text, 60)}")
        table.add_row(Text(_shorten(gap.statement.text, 200)), why)
    return Group(text, table)


#: How many ranked claims the terminal report lists (the JSON has them all).
SHOWN_CLAIMS = 15
STATUS_STYLES = {"denied": "bold red", "denial": "red", "hedged": "yellow", "anonymous": "yellow"}


def claims(audit: Audit) -> RenderableType | None:
    """The most check-worthy claims: score, who says so, status, and the facts and fact-checks in each."""
    if not audit.claims:
        return None
    table = Table(
        title=f"Check-worthy claims  ·  {len(audit.claims)} of {len(audit.sentences)} sentences",
        title_justify="left",
        expand=True,
        show_lines=True,
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("claim", ratio=4)
    table.add_column("source", ratio=1)
    table.add_column("status", no_wrap=True)
    for claim in audit.claims[:SHOWN_CLAIMS]:
        attribution = audit.attributions[claim.attribution] if claim.attribution is not None else None
        source = attribution.source if attribution is not None else None
        who = Text(_shorten(source.name or source.text, 40) if source else "—")
        who.append(f"\n{claim.source_kind}", style=KIND_STYLES.get(claim.source_kind, "dim"))
        body = Text(_shorten(claim.span.text, 240))
        facts = [q.text for q in claim.quantities] + [t.text for t in claim.times]
        facts += [p.name for p in claim.places]
        if facts:
            body.append("\n" + " · ".join(dict.fromkeys(facts)), style="dim")
        for match in claim.factchecks[:2]:
            body.append(f"\nfact-check ({match.score:.2f}): {match.verdict or '?'} — ", style="magenta")
            body.append(_shorten(match.claim_reviewed, 100) + (f" [{match.publisher}]" if match.publisher else ""))
        status = Text()
        for number, word in enumerate(claim.status):
            status.append(("\n" if number else "") + word, style=STATUS_STYLES.get(word, ""))
        table.add_row(str(claim.rank), f"{claim.score:.2f}", body, who, status)
    if len(audit.claims) > SHOWN_CLAIMS:
        table.caption = f"{len(audit.claims) - SHOWN_CLAIMS} more in the JSON output (--format json)"
    return table


def hedge_summary(audit: Audit) -> RenderableType | None:
    if not audit.hedges:
        return None
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for hedge in audit.hedges:
        by_kind[hedge.kind][hedge.cue.text.lower()] += 1
    text = Text("Hedges: ", style="bold")
    for number, (kind, cues) in enumerate(sorted(by_kind.items())):
        if number:
            text.append("  ·  ", style="dim")
        text.append(f"{kind} ", style="yellow")
        text.append(", ".join(f"{cue} ×{n}" if n > 1 else cue for cue, n in cues.most_common(6)))
    return text


def credibility(audit: Audit) -> RenderableType | None:
    """The score, its band and the signals that moved it, each with its weight in points."""
    assessed = audit.credibility
    if assessed is None:
        return None
    if not assessed.assessed:
        line = Text("Credibility ")
        line.append("not assessed", style="bold")
        line.append(f": {assessed.reason or 'no reason given'}")
        if assessed.reputation is not None:
            line.append(f"  (site reputation {assessed.reputation})", style="dim")
        return line
    style = {"low": "bold red", "mixed": "bold yellow", "high": "bold green"}.get(assessed.label, "bold")
    line = Text("Credibility ")
    line.append(f"{assessed.score:.0f}/100 {assessed.label}", style=style)
    line.append(f"  (P(low credibility) {assessed.probability_low:.2f}", style="dim")
    if assessed.reputation is not None:
        line.append(f"; site reputation {assessed.reputation}", style="dim")
    line.append(")  — judges sourcing, provenance and presentation, not whether the events happened", style="dim")
    held_out = held_out_for(assessed.model)
    if held_out is not None:
        line.append("\n" + held_out.line(), style="yellow" if held_out.weak else "dim")
    table = Table(expand=True, show_edge=False, box=None, padding=(0, 1))
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("signal", style="cyan", no_wrap=True)
    table.add_column("why", ratio=1)
    for signal in sorted(audit.signals, key=lambda s: -abs(s.weight)):
        if signal.direction == "neutral":
            continue
        colour = "red" if signal.weight < 0 else "green"
        table.add_row(Text(f"{signal.weight:+.1f}", style=colour), signal.name, Text(signal.explanation))
    return Group(line, table) if table.row_count else line


def story(audit: Audit, members: int = 12) -> RenderableType | None:
    """The story across outlets: size, origins, first report, this article's role, then the members (earliest
    first, at most `members`) and how the story treats each compared claim."""
    found = audit.story
    if found is None:
        return None
    first = next((m for m in found.members if m.id == found.first_report), None)
    lines = Text()
    lines.append(f"story {found.id}: {found.size} articles, {found.origins} independent origin(s); ", style="bold")
    lines.append(f"first report {first.domain or first.id if first else found.first_report} ")
    lines.append(f"({found.first_published or 'no date'}")
    lines.append(f", seen {found.first_seen})" if found.first_seen else ")")
    lines.append(f"\nthis article: {found.role}" + ("" if found.stored else " (not stored: the story it would join)"))
    if found.note:
        lines.append(f"\n{found.note}", style="yellow")
    table = Table(expand=True, show_edge=False)
    for column in ("published", "outlet", "role", "origin", "copies"):
        table.add_column(column, overflow="fold")
    for member in found.members[:members]:
        copies = f"{member.copies} ({member.share:.0%})" if member.copies else ""
        table.add_row(member.published or "no date", member.domain or member.id, member.role,
                      str(member.origin + 1), copies)  # fmt: skip
    parts: list[RenderableType] = [lines, table]
    if len(found.members) > members:
        parts.append(Text(f"… and {len(found.members) - members} more", style="dim"))
    for support in found.claims:
        claim = audit.claims[support.claim]
        text = Text(f"• {_shorten(claim.span.text, 110)}\n  corroboration {support.corroboration}, ")
        text.append(f"carried by {len(support.carried_by)} other article(s)")
        if support.denied_by:
            text.append(f", denied by {', '.join(support.denied_by[:4])}", style="red")
        parts.append(text)
    return Panel(Group(*parts), title="Story across outlets", title_align="left")


SECTIONS: list[Callable[[Audit], RenderableType | None]] = [
    header,
    problems,
    credibility,
    removed_chrome,
    stance,
    claims,
    sources,
    denials,
    story,
    hedge_summary,
    entity_summary,
]


def render(audit: Audit) -> RenderableType:
    """The full report for one audit."""
    parts = [section(audit) for section in SECTIONS]
    return Group(*(part for part in parts if part is not None), Text(""))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_tables(figures: dict) -> list[RenderableType]:
    """A batch folder's summary (the figures of `newsaudit.batch.summary.summarise`) as terminal tables."""

    def counts(title: str, items: dict, label: str) -> Table:
        table = Table(title=title, title_justify="left", show_edge=False)
        table.add_column(label)
        table.add_column("articles", justify="right")
        for name, count in items.items():
            table.add_row(Text(str(name)), f"{count:,}")
        return table

    planned = figures.get("shards_planned")
    head = Text(
        f"{figures['articles']:,} articles ({figures['assessed']:,} assessed) in {figures['shards_done']:,}"
        f" of {planned if planned is not None else '?'} shards — {figures['folder']}",
        style="bold",
    )
    bands = {f"{b['from']}–{b['to']}": b["articles"] for b in figures["credibility_histogram"]}
    sites = Table(title="Top sites by volume (mean score)", title_justify="left", show_edge=False)
    for column, justify in (("site", "left"), ("articles", "right"), ("mean score", "right")):
        sites.add_column(column, justify=justify)
    for site in figures["domains_by_volume"]:
        mean = "–" if site["mean_score"] is None else f"{site['mean_score']:.1f}"
        sites.add_row(Text(site["domain"]), f"{site['articles']:,}", mean)
    lowest = Table(title="Lowest scores", title_justify="left", show_edge=False)
    for column, justify in (("score", "right"), ("id", "left"), ("site", "left"), ("title", "left")):
        lowest.add_column(column, justify=justify)
    for article in figures["lowest"][:10]:
        lowest.add_row(
            f"{article['score']:.1f}",
            Text(str(article["id"])),
            Text(article["domain"] or ""),
            Text(_shorten(article["title"] or "", 60)),
        )
    return [
        head,
        counts("Errors by code", figures["errors"], "code"),
        counts("Credibility", {**figures["labels"]}, "label"),
        counts("Credibility scores", bands, "score"),
        counts("Languages", figures["languages"], "language"),
        sites,
        counts("Most frequent top signals", figures["signals"], "signal"),
        *(
            [
                counts(
                    f"Copied from ({figures['copying']['with_signals']:,} articles)",
                    figures["copying"]["copied_from"],
                    "site",
                )
            ]
            if figures.get("copying")
            else []
        ),
        lowest,
        Text("A report page: newsaudit report DIR ID", style="dim"),
    ]
