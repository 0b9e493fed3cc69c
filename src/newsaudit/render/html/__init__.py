"""The HTML report for one audit: one self-contained page a fact-checker can read, print and share.

Everything in an audit that came from the input (article text, title, authors, URL, site name, removed chrome,
signal explanations, fact-check fields) is hostile. It is only ever written through `_e` (HTML-escaped, quotes
included) and never into CSS; URLs become links only when they are plain http(s). The page needs no network
and runs no script: a Content-Security-Policy `<meta>` (first in `<head>`) allows exactly one inline `<style>`
block, by its SHA-256 hash computed here at render time, and nothing else. Layer toggles work with checkboxes
and CSS `:has()`; "show me" links jump to `:target`-highlighted spans.

The article text is marked up by cutting it at every span boundary and keeping a stack of open elements, so
overlapping findings (a claim holding a source, a cue and a hedge; a hedge scope crossing an attribution)
always give properly nested elements. Every highlighted span is `<mark id="ev-START-END">`; a span cut in
pieces carries `data-of="ev-START-END"` on each piece so that jumping to it highlights all of it.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from newsaudit._version import __version__
from newsaudit.schema import CREDIBILITY_BANDS, Audit, Signal, Source, Span

#: Source kinds in legend order, with the words the report uses for them.
KIND_LABELS = {
    "person": "named person",
    "official": "named official",
    "anonymous": "anonymous",
    "unnamed_group": "unnamed group",
    "organization": "organization",
    "government": "government",
    "outlet": "news outlet",
    "document": "document",
    "unattributed": "no source given",
}

#: The toggleable layers: (css class, checkbox label).
LAYERS = (
    ("claim", "claims"),
    ("src", "sources"),
    ("hedge", "hedges"),
    ("denial", "denials"),
    ("copied", "copied"),
)

DISCLAIMER = (
    "newsaudit judges sourcing, provenance and presentation: who an article rests on, how it hedges, where "
    "its text came from and how it is dressed up. It does not decide whether the events it reports are true."
)

#: Nesting order for marks with identical offsets (outermost first).
_ORDER = {"claim": 0, "copied": 1, "evid": 2, "disputed": 3, "src": 4, "cue": 5, "denial": 6, "hedge": 7}


def _e(value: object) -> str:
    """Escape anything from the input for element text and (double-quoted) attribute values."""
    return escape("" if value is None else str(value), quote=True)


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def safe_href(url: str | None) -> str | None:
    """The URL if it is a plain absolute http(s) URL (so never javascript:, data:, file: …), else None."""
    if not url or len(url) > 4000 or re.search(r"[\x00-\x20\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _link_or_text(url: str | None) -> str:
    href = safe_href(url)
    if href is None:
        return f'<span class="url">{_e(url)}</span>'
    return f'<a class="url" href="{_e(href)}" rel="noopener noreferrer nofollow">{_e(url)}</a>'


def span_id(span: Span | Source | tuple[int, int], prefix: str = "ev") -> str:
    """The stable element id of a highlighted span: `ev-START-END` in the body, `ti-START-END` in the title."""
    start, end = span if isinstance(span, tuple) else (span.start, span.end)
    return f"{prefix}-{int(start)}-{int(end)}"


# --- marking up a text -------------------------------------------------------------------------------------


@dataclass
class _Mark:
    """One highlight: a layer over [start, end) with its classes, tooltip and what follows its last piece."""

    start: int
    end: int
    layer: str
    classes: str
    title: str
    attrs: str = ""  # extra attributes on the first piece only (already escaped)
    suffix: str = ""  # markup placed inside the element just before its final close (in-text links)
    key: str = ""  # the element id, from the offsets as given (before clamping to the text)


@dataclass
class _Marked:
    html: str
    split: set[str]  # ids of spans that had to be cut into pieces


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs: runs of text separated by blank lines (the way `Article.text` joins them)."""
    blocks, start = [], 0
    for gap in [*re.finditer(r"\n[ \t]*\n\s*", text), None]:
        end = gap.start() if gap else len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            blocks.append((start + lead, start + len(chunk.rstrip())))
        start = gap.end() if gap else len(text)
    return blocks


def _mark_up(
    text: str, marks: Sequence[_Mark], inserts: dict[int, list[str]], prefix: str, *, paragraphs: bool
) -> _Marked:
    """Escaped `text` with every mark as properly nested `<mark>` elements (cut where marks cross)."""
    n = len(text)
    clean = [
        _Mark(
            **{
                **m.__dict__,
                "start": max(0, min(m.start, n)),
                "end": max(0, min(m.end, n)),
                "key": m.key or span_id((m.start, m.end), prefix),
            }
        )
        for m in marks
    ]
    # Zero-length marks cannot wrap text: they become empty anchors at their offset.
    points: dict[int, list[str]] = {pos: list(items) for pos, items in inserts.items()}
    used: set[str] = set()
    for m in clean:
        if m.start == m.end:
            key = m.key
            ident = f' id="{key}"' if key not in used else ""
            used.add(key)
            points.setdefault(m.start, []).append(f'<mark{ident} class="{m.classes}" title="{_e(m.title)}"></mark>')
    wrapping = [m for m in clean if m.start < m.end]
    blocks = _blocks(text) if paragraphs else [(0, n)]
    if not blocks:
        blocks = [(0, n)]
    # Inserts between blocks go to the start of the next block (or the end of the last).
    placed: dict[int, list[str]] = {}
    for pos in sorted(points):
        target = next((s if pos < s else pos for s, e in blocks if pos <= e), blocks[-1][1])
        placed.setdefault(target, []).extend(points[pos])
    split: set[str] = set()
    out: list[str] = []
    for block_start, block_end in blocks:
        body = _mark_block(text, wrapping, placed, prefix, block_start, block_end, used, split)
        out.append(f'<p dir="auto">{body}</p>' if paragraphs else body)
    return _Marked("\n".join(out), split)


def _mark_block(
    text: str,
    marks: list[_Mark],
    inserts: dict[int, list[str]],
    prefix: str,
    lo: int,
    hi: int,
    used: set[str],
    split: set[str],
) -> str:
    inside = [m for m in marks if m.start < hi and m.end > lo]
    cuts = {lo, hi} | {max(m.start, lo) for m in inside} | {min(m.end, hi) for m in inside}
    cuts |= {pos for pos in inserts if lo <= pos <= hi}
    out: list[str] = []
    stack: list[_Mark] = []

    def open_tag(m: _Mark, pos: int) -> str:
        key = m.key
        attrs = f' data-of="{key}"'
        if pos == m.start and key not in used:
            used.add(key)
            attrs = f' id="{key}"{attrs}{m.attrs}'
        elif pos != m.start:
            split.add(key)
        return f'<mark class="{m.classes}" title="{_e(m.title)}"{attrs}>'

    for pos in sorted(cuts):
        ending = [i for i, m in enumerate(stack) if min(m.end, hi) == pos]
        reopen: list[_Mark] = []
        if ending:
            first = min(ending)
            for m in reversed(stack[first:]):
                out.append((m.suffix if pos == m.end else "") + "</mark>")
            reopen = [m for m in stack[first:] if min(m.end, hi) != pos]
            del stack[first:]
        if pos < hi:
            out.extend(inserts.get(pos, ()))
            starting = [m for m in inside if max(m.start, lo) == pos]
            for m in sorted(reopen + starting, key=lambda m: (-m.end, _ORDER.get(m.layer, 9), m.start)):
                out.append(open_tag(m, pos))
                stack.append(m)
            following = min((c for c in cuts if c > pos), default=hi)
            out.append(_e(text[pos:following]))
        else:  # the block's end: every mark is closed by now
            out.extend(inserts.get(pos, ()))
    return "".join(out)


# --- the article ----------------------------------------------------------------------------------------------


def _body_marks(audit: Audit) -> tuple[list[_Mark], dict[int, list[str]]]:
    """Every finding in the body as marks, plus the in-text links (denials, removed chrome) as inserts."""
    marks: list[_Mark] = []
    inserts: dict[int, list[str]] = {}
    for claim in audit.claims:
        status = ", ".join(claim.status) or "no status"
        marks.append(
            _Mark(
                claim.span.start,
                claim.span.end,
                "claim",
                "hl claim",
                f"claim #{claim.rank} · check-worthiness {claim.score:.2f} · source: "
                f"{KIND_LABELS.get(claim.source_kind, claim.source_kind)} · {status}",
                attrs=f' data-rank="{int(claim.rank)}"',
            )
        )
    for attribution in audit.attributions:
        source = attribution.source
        if source is not None:
            kind = source.kind if source.kind in KIND_LABELS else "unattributed"
            who = f" ({source.name})" if source.name and source.name != source.text else ""
            marks.append(
                _Mark(source.start, source.end, "src", f"hl src k-{kind}", f"source: {KIND_LABELS[kind]}{who}")
            )
        marks.append(
            _Mark(
                attribution.cue.start,
                attribution.cue.end,
                "cue",
                "hl src cue",
                f"attribution cue ({attribution.type}): “{_short(attribution.cue.text, 40)}”",
            )
        )
    for hedge in audit.hedges:
        marks.append(
            _Mark(
                hedge.cue.start,
                hedge.cue.end,
                "hedge",
                "hl hedge",
                f"hedge ({hedge.kind}), weakens: “{_short(hedge.scope.text)}”",
            )
        )
    disputed_by: dict[tuple[int, int], list[tuple[int, Span]]] = {}
    for number, denial in enumerate(audit.denials):
        refs = "".join(
            f'<a class="ref ref-dispute" href="#{span_id(span)}" data-n="{k + 1}" '
            f'aria-label="disputes statement {k + 1}: {_e(_short(span.text, 60))}"></a>'
            for k, span in enumerate(denial.disputes)
        )
        who = denial.source.name or denial.source.text if denial.source else "no source given"
        marks.append(
            _Mark(
                denial.cue.start,
                denial.cue.end,
                "denial",
                "hl denial",
                f"{denial.kind.replace('_', ' ')} by {_short(who, 60)}; disputes {len(denial.disputes)} statement(s)",
                attrs=f' data-denial="{number}"',
                suffix=refs,
            )
        )
        for span in denial.disputes:
            disputed_by.setdefault((span.start, span.end), []).append((number, denial.cue))
    for (start, end), denials in disputed_by.items():
        back = "".join(
            f'<a class="ref ref-back" href="#{span_id(cue)}" '
            f'aria-label="back to the denial: {_e(_short(cue.text, 40))}"></a>'
            for _, cue in denials
        )
        marks.append(_Mark(start, end, "disputed", "hl disputed", "disputed by a denial", suffix=back))
    for reuse in audit.reuse:
        origin = reuse.domain or reuse.url or reuse.id
        credit = "credited" if reuse.credited else "NOT credited"
        for passage in reuse.passages:
            marks.append(
                _Mark(
                    passage.this.start,
                    passage.this.end,
                    "copied",
                    "hl copied",
                    f"copied, shared with {_short(origin or '', 60)} — “{_short(reuse.title or '', 60)}” ({credit})",
                )
            )
    # Anything else a link points at (signal evidence, certainty gaps) gets a plain evidence mark.
    covered = {(m.start, m.end) for m in marks}
    linked: list[Span] = [span for signal in audit.signals for span in signal.evidence]
    if audit.stance is not None:
        for gap in audit.stance.certainty_gaps:
            linked.append(gap.statement)
            linked.extend(gap.evidence)
    for span in linked:
        if (span.start, span.end) not in covered:
            covered.add((span.start, span.end))
            marks.append(_Mark(span.start, span.end, "evid", "hl evid", "evidence for a finding"))
    for number, piece in enumerate(audit.article.removed):
        inserts.setdefault(piece.at, []).append(
            f'<a class="ref ref-cut" id="cut-{number}" href="#rm-{number}" '
            f'aria-label="removed {_e(piece.kind.replace("_", " "))} stood here"></a>'
        )
    return marks, inserts


def _title_marks(audit: Audit) -> list[_Mark]:
    seen: set[tuple[int, int]] = set()
    marks = []
    for signal in audit.signals:
        for span in signal.title_evidence:
            if (span.start, span.end) not in seen:
                seen.add((span.start, span.end))
                marks.append(_Mark(span.start, span.end, "evid", "hl evid", f"evidence for: {signal.name}"))
    return marks


# --- sections -----------------------------------------------------------------------------------------------------


def _header(audit: Audit, title_html: str) -> str:
    article = audit.article
    facts = [
        ("site", _e(article.site_name) if article.site_name else ""),
        ("domain", _e(article.domain) if article.domain else ""),
        ("URL", _link_or_text(article.url) if article.url else ""),
        ("published", _e(article.published) if article.published else ""),
        ("by", _e(", ".join(article.authors)) if article.authors else ""),
        ("language", _e(article.language) if article.language else ""),
        ("words", str(len(article.text.split()))),
        ("sentences", str(len(audit.sentences))),
        ("from", _e(article.source) if article.source else ""),
        ("article id", _e(article.id)),
    ]
    meta = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts if value)
    subtitle = f'<p class="subtitle">{_e(article.subtitle)}</p>' if article.subtitle else ""
    return (
        '<header class="top">'
        '<p class="kicker">newsaudit report</p>'
        f'<h1 id="title">{title_html}</h1>{subtitle}'
        f'<dl class="meta">{meta}</dl>'
        f'<p class="disclaimer">{_e(DISCLAIMER)}</p>'
        "</header>"
    )


def _nav(audit: Audit) -> str:
    items = [("article-text", "Article"), ("signals", "Signals"), ("sourcing", "Sourcing")]
    items += [("claims", "Claims"), ("denials", "Denials"), ("copied", "Copied"), ("stance", "Headline")]
    items.append(("removed", "Removed chrome"))
    links = "".join(f'<li><a href="#{target}">{label}</a></li>' for target, label in items)
    return f'<nav aria-label="Sections"><ul>{links}</ul></nav>'


def _problems(audit: Audit) -> str:
    if not audit.errors:
        return ""
    items = "".join(
        f'<li class="sev-{_e(error.severity)}"><strong>{_e(error.severity)}</strong>: {_e(error.message)} '
        f"<code>{_e(error.stage)}/{_e(error.code)}</code></li>"
        for error in audit.errors
    )
    heading = "This audit failed" if audit.failed else "Warnings"
    return (
        f'<section class="problems" aria-labelledby="problems-h"><h2 id="problems-h">{heading}</h2>'
        f"<ul>{items}</ul></section>"
    )


def _toggles() -> str:
    boxes = "".join(
        f'<label class="toggle"><input type="checkbox" id="t-{layer}" checked> {label}</label>'
        for layer, label in LAYERS
    )
    return f'<fieldset class="toggles"><legend>Show highlights</legend>{boxes}</fieldset>'


def _legend() -> str:
    rows = [
        '<li><mark class="hl claim" data-rank="1">claim</mark> check-worthy claim, with its rank</li>',
        '<li><mark class="hl src cue">says</mark> attribution cue</li>',
        '<li><mark class="hl hedge">reportedly</mark> hedge</li>',
        '<li><mark class="hl denial">denied</mark> denial or contradiction (→ what it disputes)</li>',
        '<li><mark class="hl disputed">statement</mark> disputed statement (↩ back to the denial)</li>',
        '<li><mark class="hl copied">passage</mark> copied passage</li>',
        '<li><mark class="hl evid">evidence</mark> other evidence for a signal</li>',
        '<li><span class="ref ref-cut"></span> where site chrome was removed</li>',
    ]
    rows += [f'<li><mark class="hl src k-{kind}">{label}</mark> source</li>' for kind, label in KIND_LABELS.items()]
    return f'<details class="legend"><summary>Legend</summary><ul>{"".join(rows)}</ul></details>'


def _article(audit: Audit, marked: _Marked) -> str:
    language = audit.article.language or ""
    lang = f' lang="{_e(language)}"' if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language) else ""
    body = marked.html if audit.article.text.strip() else '<p class="empty">(no article text)</p>'
    return (
        '<section class="article" aria-labelledby="article-h">'
        f'<h2 id="article-h">Article text</h2>{_toggles()}{_legend()}'
        f'<div class="doc" id="article-text"{lang}>{body}</div></section>'
    )


def _gauge(audit: Audit) -> str:
    found = audit.credibility
    cx, cy, r = 100.0, 100.0, 80.0

    def point(value: float, radius: float = r) -> tuple[float, float]:
        angle = math.pi * (1 - max(0.0, min(100.0, value)) / 100)
        return cx + radius * math.cos(angle), cy - radius * math.sin(angle)

    bands = [bound for bound, _ in CREDIBILITY_BANDS] + [100.0]
    arcs = []
    for (low, label), high in zip(CREDIBILITY_BANDS, bands[1:], strict=True):
        (x1, y1), (x2, y2) = point(low), point(high)
        arcs.append(
            f'<path class="band band-{_e(label)}" d="M{x1:.1f} {y1:.1f} A{r:.0f} {r:.0f} 0 0 1 {x2:.1f} {y2:.1f}"/>'
        )
    if found is None:
        needle, big, desc = "", "—", "Credibility not assessed."
        summary = '<p class="cred-label">not assessed</p>'
    else:
        score = float(found.score)
        x, y = point(score, r - 18)
        needle = f'<line class="needle" x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.1f}" y2="{y:.1f}"/>'
        needle += f'<circle class="hub" cx="{cx:.0f}" cy="{cy:.0f}" r="5"/>'
        big = f"{score:.0f}"
        desc = f"Credibility {score:.0f} of 100: {found.label}."
        if found.reputation is None:
            reputation = "no source list loaded"
        elif found.reputation == "unknown":
            reputation = "unknown (not in the loaded source lists)"
        else:
            reputation = found.reputation
        names = {signal.name: number for number, signal in enumerate(audit.signals)}
        top = "".join(
            f'<li><a href="#sig-{names[name]}">{_e(name)}</a></li>' if name in names else f"<li>{_e(name)}</li>"
            for name in found.top_signals
        )
        summary = (
            f'<p class="cred-label label-{_e(found.label)}">{_e(found.label)} credibility</p>'
            '<dl class="cred">'
            f"<div><dt>score</dt><dd>{score:.0f} / 100</dd></div>"
            f"<div><dt>probability low</dt><dd>{float(found.probability_low):.0%}</dd></div>"
            f"<div><dt>site reputation</dt><dd>{_e(reputation)}</dd></div>"
            + (f"<div><dt>model</dt><dd>{_e(found.model)}</dd></div>" if found.model else "")
            + "</dl>"
            + (f'<p>Top signals:</p><ol class="top-signals">{top}</ol>' if top else "")
        )
    svg = (
        '<svg class="gauge" viewBox="0 0 200 115" role="img" aria-labelledby="gauge-t">'
        f'<title id="gauge-t">{_e(desc)}</title>{"".join(arcs)}{needle}'
        f'<text class="gauge-score" x="100" y="92" text-anchor="middle">{_e(big)}</text>'
        '<text class="gauge-end" x="20" y="112" text-anchor="middle">0</text>'
        '<text class="gauge-end" x="180" y="112" text-anchor="middle">100</text></svg>'
    )
    head = '<section class="credibility" aria-labelledby="cred-h"><h2 id="cred-h">Credibility</h2>'
    return f"{head}{svg}{summary}</section>"


def _signal(number: int, signal: Signal, audit: Audit) -> str:
    direction = signal.direction if signal.direction in ("lowers", "raises") else "neutral"
    arrow = {"lowers": "▼ lowers trust", "raises": "▲ raises trust"}.get(direction, "● informative")
    links = [
        f'<li><a href="#{span_id(span)}">show me: “{_e(_short(span.text, 50))}”</a></li>' for span in signal.evidence
    ]
    links += [
        f'<li><a href="#{span_id(span, "ti")}">show me in the title: “{_e(_short(span.text, 40))}”</a></li>'
        for span in signal.title_evidence
    ]
    removed = audit.article.removed
    links += [
        f'<li><a href="#rm-{index}">show me: removed {_e(removed[index].kind.replace("_", " "))}</a></li>'
        for index in signal.removed
        if 0 <= index < len(removed)
    ]
    evidence = f'<ul class="show-me">{"".join(links)}</ul>' if links else ""
    return (
        f'<li id="sig-{number}" class="signal dir-{direction}">'
        f'<p class="signals-head"><code>{_e(signal.name)}</code> <span class="dir">{arrow}</span></p>'
        f'<p class="sig-num">weight {signal.weight:+.1f} points · value {signal.value:g}</p>'
        f"<p>{_e(signal.explanation)}</p>{evidence}</li>"
    )


def _signals(audit: Audit) -> str:
    if not audit.signals:
        return (
            '<section id="signals" aria-labelledby="signals-h"><h2 id="signals-h">Signals</h2>'
            "<p>No signals.</p></section>"
        )
    ordered = sorted(enumerate(audit.signals), key=lambda item: -abs(item[1].weight))
    items = "".join(_signal(number, signal, audit) for number, signal in ordered)
    return (
        '<section id="signals" aria-labelledby="signals-h"><h2 id="signals-h">Signals</h2>'
        f'<ol class="signals">{items}</ol></section>'
    )


def _sourcing(audit: Audit) -> str:
    head = '<section id="sourcing" aria-labelledby="src-h"><h2 id="src-h">Sourcing</h2>'
    profile = audit.sourcing
    if not profile:
        return head + "<p>Not assessed.</p></section>"
    by_kind = profile.get("sentences_by_kind") or {}
    by_attr = profile.get("attributions_by_kind") or {}
    kinds = [kind for kind in KIND_LABELS if kind in by_kind or kind in by_attr]
    kinds += sorted(str(kind) for kind in {*by_kind, *by_attr} if kind not in KIND_LABELS)
    n_sentences = profile.get("n_sentences") or 0
    summary = (
        f"<p>{_e(profile.get('n_named_sources', 0))} named source(s)"
        + (f": {_e(', '.join(map(str, profile.get('named_sources') or ())))}" if profile.get("named_sources") else "")
        + f". {_pct(profile.get('share_anonymous_or_unnamed'))} of {_e(n_sentences)} sentences rest on anonymous or "
        f"unnamed sources; {_pct(profile.get('share_unattributed'))} have no attribution.</p>"
    )
    if not kinds:
        return head + summary + "</section>"
    top = max([_num(by_kind.get(kind)) for kind in kinds] + [_num(n_sentences), 1.0])
    row_h, label_w, bar_w = 22, 110, 150
    bars = []
    for row, kind in enumerate(kinds):
        value = _num(by_kind.get(kind))
        width = bar_w * value / top
        y = row * row_h
        css = f"k-{kind}" if kind in KIND_LABELS else "k-unattributed"
        bars.append(
            f'<text class="bar-label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
            f"{_e(KIND_LABELS.get(kind, kind))}</text>"
            f'<rect class="bar {css}" x="{label_w}" y="{y + 4}" width="{width:.1f}" height="14"/>'
            f'<text class="bar-value" x="{label_w + width + 4:.1f}" y="{y + 15}">{value:g}</text>'
        )
    height = row_h * len(kinds)
    chart = (
        f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 40} {height}" aria-hidden="true" focusable="false">'
        f"{''.join(bars)}</svg>"
    )
    rows = "".join(
        f'<tr><th scope="row">{_e(KIND_LABELS.get(kind, kind))}</th>'
        f"<td>{_e(by_kind.get(kind, 0))}</td><td>{_e(by_attr.get(kind, 0))}</td></tr>"
        for kind in kinds
    )
    table = (
        '<table class="sr-only"><caption>Sentences and attributions by source kind</caption>'
        '<thead><tr><th scope="col">source kind</th><th scope="col">sentences</th>'
        f'<th scope="col">attributions</th></tr></thead><tbody>{rows}</tbody></table>'
    )
    caption = '<p class="chart-caption">Sentences resting on each kind of source</p>'
    return head + summary + caption + chart + table + "</section>"


def _num(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _pct(value: object) -> str:
    try:
        return f"{float(value):.0%}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"


def _claims(audit: Audit) -> str:
    head = '<section id="claims" aria-labelledby="claims-h"><h2 id="claims-h">Check-worthy claims</h2>'
    if not audit.claims:
        return head + "<p>No check-worthy claims found.</p></section>"
    items = []
    for claim in audit.claims:
        attribution = (
            audit.attributions[claim.attribution]
            if claim.attribution is not None and 0 <= claim.attribution < len(audit.attributions)
            else None
        )
        source = attribution.source if attribution is not None else None
        who = _e(_short(source.name or source.text, 60)) + " · " if source else ""
        checks = "".join(
            f"<li>fact-check ({match.score:.2f}): <strong>{_e(match.verdict or '?')}</strong> — "
            f"{_e(_short(match.claim_reviewed, 160))}"
            + (f" · {_e(match.publisher)}" if match.publisher else "")
            + (f" · {_e(match.claimant)}" if match.claimant else "")
            + (f" · {_e(match.date)}" if match.date else "")
            + (f" · {_link_or_text(match.url)}" if match.url else "")
            + "</li>"
            for match in claim.factchecks
        )
        items.append(
            f'<li id="claim-{int(claim.rank)}"><p><span class="rank">#{int(claim.rank)}</span> '
            f'<a href="#{span_id(claim.span)}">{_e(_short(claim.span.text, 200))}</a></p>'
            f'<p class="claim-meta">score {claim.score:.2f} · {who}'
            f"{_e(KIND_LABELS.get(claim.source_kind, claim.source_kind))}"
            f" · {_e(', '.join(claim.status) or 'no status')}</p>"
            + (f'<ul class="factchecks">{checks}</ul>' if checks else "")
            + "</li>"
        )
    return head + f'<ol class="claims">{"".join(items)}</ol></section>'


def _denials(audit: Audit) -> str:
    head = '<section id="denials" aria-labelledby="den-h"><h2 id="den-h">Denials and contradictions</h2>'
    if not audit.denials:
        return head + "<p>None found.</p></section>"
    items = []
    for denial in audit.denials:
        who = _e(_short(denial.source.name or denial.source.text, 60)) if denial.source else "no source given"
        disputes = "".join(
            f'<li><a href="#{span_id(span)}">“{_e(_short(span.text, 120))}”</a></li>' for span in denial.disputes
        )
        items.append(
            f"<li><p>{_e(denial.kind.replace('_', ' '))} by {who}: "
            f'<a href="#{span_id(denial.cue)}">“{_e(_short(denial.cue.text, 40))}”</a>'
            + (f" {_e(_short(denial.target.text, 120))}" if denial.target else "")
            + "</p>"
            + (f"<p>disputes:</p><ul>{disputes}</ul>" if disputes else "")
            + "</li>"
        )
    return head + f'<ul class="denials">{"".join(items)}</ul></section>'


def _copied(audit: Audit) -> str:
    head = '<section id="copied" aria-labelledby="copied-h"><h2 id="copied-h">Copied text</h2>'
    if not audit.reuse:
        return head + "<p>No shared text found (or no corpus was searched).</p></section>"
    items = []
    for reuse in audit.reuse:
        credit = "credited" if reuse.credited else "not credited"
        if reuse.credit is not None:
            credit = f'<a href="#{span_id(reuse.credit)}">credited</a>'
        passages = "".join(
            f'<li><a href="#{span_id(p.this)}">“{_e(_short(p.this.text, 100))}”</a></li>' for p in reuse.passages
        )
        items.append(
            f"<li><p><strong>{_e(reuse.title or '(untitled)')}</strong>"
            + (f" · {_e(reuse.domain)}" if reuse.domain else "")
            + (f" · {_e(reuse.published)}" if reuse.published else "")
            + "</p>"
            + (f"<p>{_link_or_text(reuse.url)}</p>" if reuse.url else "")
            + f"<p>shares {_pct(reuse.share_this)} of this article ({_pct(reuse.share_other)} of that one) · "
            f'earlier: {_e(reuse.earlier)} · <span class="credit">{credit}</span></p>'
            + (f"<ul>{passages}</ul>" if passages else "")
            + "</li>"
        )
    return head + f'<ul class="reuse">{"".join(items)}</ul></section>'


def _stance(audit: Audit) -> str:
    head = '<section id="stance" aria-labelledby="stance-h"><h2 id="stance-h">Headline and body</h2>'
    found = audit.stance
    if found is None:
        return head + "<p>Not assessed.</p></section>"
    probabilities = "".join(
        f'<tr><th scope="row">{_e(label)}</th><td>{_num(p):.2f}</td></tr>'
        for label, p in sorted(found.probabilities.items(), key=lambda item: -_num(item[1]))
    )
    gaps = ""
    for gap in found.certainty_gaps:
        reasons = "".join(
            f'<li>{_e(reason)}: <a href="#{span_id(span)}">“{_e(_short(span.text, 60))}”</a></li>'
            for reason, span in zip(gap.reasons, gap.evidence, strict=False)
        )
        gaps += (
            f"<li><p>The headline states flatly what the body weakens: "
            f'<a href="#{span_id(gap.statement)}">“{_e(_short(gap.statement.text, 160))}”</a></p>'
            f"<ul>{reasons}</ul></li>"
        )
    return (
        head
        + f"<p>How the body stands towards the headline: <strong>{_e(found.label)}</strong>.</p>"
        + f'<table class="probs"><caption>Stance probabilities</caption><tbody>{probabilities}</tbody></table>'
        + (f'<h3>Certainty gaps</h3><ul class="gaps">{gaps}</ul>' if gaps else "")
        + "</section>"
    )


def _removed(audit: Audit) -> str:
    head = '<section id="removed" aria-labelledby="removed-h"><h2 id="removed-h">Removed site chrome</h2>'
    if not audit.article.removed:
        return head + "<p>Nothing was removed.</p></section>"
    items = "".join(
        f'<li id="rm-{number}"><p><strong>{_e(piece.kind.replace("_", " "))}</strong> · '
        f'<a href="#cut-{number}">stood at character {int(piece.at)}</a></p>'
        f'<pre class="chrome">{_e(piece.text)}</pre></li>'
        for number, piece in enumerate(audit.article.removed)
    )
    return head + f'<ol class="removed">{items}</ol></section>'


# --- the page -----------------------------------------------------------------------------------------------------

CSS = (
    """
:root{--ink:#1a1a1a;--muted:#555;--line:#ccc;--bg:#fff;--panel:#f6f6f3;--focus:#0b4fd8;--claim:#fff2b3;
--denial:#b00020;--hedge:#6b4c00;--copied:#5a2d82;--evid:#d7ecff;--target:#ffd24d}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
a{color:#0645ad}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0}.skip:focus{left:8px;background:#fff;padding:4px 8px;z-index:9}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap;border:0}
header.top{padding:1rem 1.5rem;border-bottom:1px solid var(--line)}
.kicker{margin:0;color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}
h1{margin:.2rem 0;font-size:1.7rem;line-height:1.25;overflow-wrap:anywhere}
.subtitle{margin:.2rem 0 .6rem;font-style:italic;color:#333}
dl.meta,dl.cred{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;margin:.4rem 0;font-size:.9rem}
dl.meta div,dl.cred div{display:flex;gap:.35rem;min-width:0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.disclaimer{margin:.5rem 0 0;padding:.4rem .6rem;border-left:4px solid #777;background:var(--panel);font-size:.9rem}
nav ul{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;margin:0;padding:.5rem 1.5rem;
border-bottom:1px solid var(--line)}
.layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(18rem,26rem);gap:1.5rem;padding:0 1.5rem 2rem}
main{min-width:0}
aside{border-left:1px solid var(--line);padding-left:1.2rem}
h2{font-size:1.2rem;margin:1.4rem 0 .5rem}
.problems{margin:1rem 0;padding:.5rem 1rem;border:2px solid var(--denial)}
.toggles{display:flex;flex-wrap:wrap;gap:.3rem 1rem;border:1px solid var(--line);padding:.3rem .8rem}
.legend ul{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;list-style:none;padding:0;font-size:.9rem}
.doc{font-family:Georgia,"Times New Roman",serif;font-size:1.06rem;max-width:46rem}
.doc p{white-space:pre-wrap;overflow-wrap:anywhere}
mark{color:inherit;background:none;scroll-margin:30vh}
.hl.claim{background:var(--claim);box-decoration-break:clone;-webkit-box-decoration-break:clone}
.hl.claim[data-rank]::before{content:attr(data-rank);vertical-align:super;font:700 .68em system-ui,sans-serif;
background:#5c4a00;color:#fff;border-radius:.5em;padding:0 .3em;margin-right:.15em}
.hl.src{border-bottom:3px solid #666;padding-bottom:1px}
.hl.src.cue{border-bottom:none;font-weight:700;text-decoration:underline 2px;text-underline-offset:3px}
.k-person{border-bottom-color:#1b7a36 !important}.k-official{border-bottom-color:#0d5e48 !important}
.k-anonymous{border-bottom:3px dashed #b34700 !important}.k-unnamed_group{border-bottom:3px dashed #8a4b14 !important}
.k-organization{border-bottom-color:#0b5cad !important}.k-government{border-bottom-color:#5b3fa8 !important}
.k-outlet{border-bottom-color:#00707f !important}.k-document{border-bottom:3px double #8a2f8f !important}
.k-unattributed{border-bottom:3px dotted #666 !important}
.hl.hedge{text-decoration:underline dotted 2px var(--hedge);text-underline-offset:4px;font-style:italic}
.hl.denial{color:var(--denial);font-weight:700;text-decoration:underline wavy 1.5px var(--denial);
text-underline-offset:3px}
.hl.disputed{border-top:2px dashed var(--denial)}
.hl.copied{outline:2px dashed var(--copied);outline-offset:1px;background-image:linear-gradient(#efe6f7,#efe6f7)}
.hl.evid{background:var(--evid)}
.ref{text-decoration:none;font:700 .72em system-ui,sans-serif;vertical-align:super;padding:0 .15em}
.ref-dispute{color:var(--denial)}.ref-dispute::before{content:"→" attr(data-n)}
.ref-back{color:var(--denial)}.ref-back::before{content:"↩"}
.ref-cut{color:#555}.ref-cut::before{content:"✂"}
:target{outline:3px solid #000 !important;outline-offset:2px}
.hl:target,h1 .hl:target{background:var(--target) !important}
li:target{background:#fff6cc}
"""
    + "".join(
        f"body:has(#t-{layer}:not(:checked)) {selector}{{{rules}}}\n"
        for layer, selector, rules in (
            ("claim", ".doc .hl.claim", "background:none"),
            ("claim", ".doc .hl.claim::before", "display:none"),
            ("src", ".doc .hl.src", "border-bottom:none !important;text-decoration:none;font-weight:inherit"),
            ("hedge", ".doc .hl.hedge", "text-decoration:none;font-style:inherit"),
            ("denial", ".doc .hl.denial", "color:inherit;text-decoration:none;font-weight:inherit"),
            ("denial", ".doc .hl.disputed", "border-top:none"),
            ("denial", ".doc .ref-dispute", "display:none"),
            ("denial", ".doc .ref-back", "display:none"),
            ("copied", ".doc .hl.copied", "outline:none;background-image:none"),
        )
    )
    + """
.gauge{width:100%;max-width:16rem;display:block}
.band{fill:none;stroke-width:18}.band-low{stroke:#c0392b}.band-mixed{stroke:#e0a800}.band-high{stroke:#2e8540}
.needle{stroke:#111;stroke-width:4;stroke-linecap:round}.hub{fill:#111}
.gauge-score{font:700 28px system-ui,sans-serif;fill:#111}.gauge-end{font:11px system-ui,sans-serif;fill:#444}
.cred-label{font-size:1.2rem;font-weight:700;margin:.2rem 0}
.label-low{color:#a12a1e}.label-mixed{color:#7a5a00}.label-high{color:#1f6b30}
ol.signals{list-style:none;padding:0}
.signal{border-left:5px solid #888;padding:.3rem .6rem;margin:.6rem 0;background:var(--panel)}
.signal p{margin:.2rem 0}
.dir-lowers{border-left-color:#b00020}.dir-raises{border-left-color:#2e7d32}
.sig-num{font-size:.85rem;color:var(--muted)}
.show-me{margin:.2rem 0;padding-left:1.1rem;font-size:.9rem}
.chart{width:100%;max-width:24rem}.bar-label,.bar-value{font:12px system-ui,sans-serif;fill:#222}
.bar{fill:#666}.bar.k-person{fill:#1b7a36}.bar.k-official{fill:#0d5e48}.bar.k-anonymous{fill:#b34700}
.bar.k-unnamed_group{fill:#8a4b14}.bar.k-organization{fill:#0b5cad}.bar.k-government{fill:#5b3fa8}
.bar.k-outlet{fill:#00707f}.bar.k-document{fill:#8a2f8f}.bar.k-unattributed{fill:#777}
.chart-caption{font-size:.85rem;color:var(--muted);margin-bottom:0}
.rank{font-weight:700}.claim-meta{color:var(--muted);font-size:.9rem;margin-top:0}
pre.chrome{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--panel);padding:.4rem;margin:.2rem 0 .8rem}
table.probs{border-collapse:collapse}
table.probs th,table.probs td{padding:.1rem .6rem;border-bottom:1px solid var(--line);text-align:left}
footer{padding:1rem 1.5rem;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media (max-width:60rem){.layout{grid-template-columns:1fr}aside{border-left:none;padding-left:0}}
@media print{
nav,.toggles,.skip,.legend summary{display:none}
.layout{display:block;padding:0}aside{border:none;padding:0}
.legend{display:block}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
.hl.claim{border-bottom:2px solid #8a6d00}
a{color:inherit}
.signal,li{break-inside:avoid}
}
"""
)


def _split_rules(split: Iterable[str]) -> str:
    """Jumping to a span that was cut in pieces highlights every piece (ids are digits only: safe in CSS)."""
    return "".join(f'.doc:has(#{key}:target) [data-of="{key}"]{{background:var(--target)}}\n' for key in sorted(split))


def csp_for(style: str) -> str:
    """The page's Content-Security-Policy: nothing but the one inline style block, by its hash."""
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; style-src 'sha256-{digest}'; script-src 'none'; base-uri 'none'; form-action 'none'"


def render_html(audit: Audit) -> str:
    """The whole report as one self-contained HTML page (no network, no script)."""
    article = audit.article
    body_marks, inserts = _body_marks(audit)
    marked = _mark_up(article.text, body_marks, inserts, "ev", paragraphs=True)
    title = article.title or ""
    title_html = _mark_up(title, _title_marks(audit), {}, "ti", paragraphs=False).html if title else "(untitled)"
    style = CSS + _split_rules(marked.split)
    page_title = _short(article.title or article.url or article.id or "article", 90)
    main = (
        f'<main id="main">{_problems(audit)}{_article(audit, marked)}{_claims(audit)}{_denials(audit)}'
        f"{_copied(audit)}{_stance(audit)}{_removed(audit)}</main>"
    )
    aside = f'<aside aria-label="Assessment">{_gauge(audit)}{_signals(audit)}{_sourcing(audit)}</aside>'
    footer = (
        f"<footer>newsaudit {_e(__version__)} · audit schema {_e(audit.schema_version)}"
        + (f" · model {_e(audit.credibility.model)}" if audit.credibility and audit.credibility.model else "")
        + "</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head>'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp_for(style))}">'
        '<meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsaudit: {_e(page_title)}</title>"
        f"<style>{style}</style>"
        "</head><body>"
        '<a class="skip" href="#article-text">Skip to the article</a>'
        f"{_header(audit, title_html)}{_nav(audit)}"
        f'<div class="layout">{main}{aside}</div>{footer}'
        "</body></html>\n"
    )


_INDEX_CSS = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;"
    "border-bottom:1px solid #ccc;vertical-align:top}th{background:#f2f2f2}td.n{text-align:right}"
    ".low{color:#a40000;font-weight:600}.mixed{color:#7a5200;font-weight:600}.high{color:#0a6b2b;font-weight:600}"
    "a:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}.note{color:#555}"
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
            f'<tr><td><a href="{_e(name)}">{_e(_short(article.title or article.url or article.id, 100))}</a>'
            f"{_e(problem)}</td><td>{_e(article.site_name or article.domain or '')}</td>"
            f'<td class="n">{_e(score)}</td><td class="{_e(label)}">{_e(label)}</td><td>{_e(reasons)}</td></tr>'
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head>'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp_for(_INDEX_CSS))}">'
        '<meta charset="utf-8"><meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsaudit: {len(pages)} reports</title><style>{_INDEX_CSS}</style></head><body><main>"
        f"<h1>{len(pages)} audited article{'s' if len(pages) != 1 else ''}</h1>"
        f'<p class="note">{_e(DISCLAIMER)} Least credible first.</p>'
        '<table><thead><tr><th scope="col">article</th><th scope="col">site</th><th scope="col">score</th>'
        '<th scope="col">label</th><th scope="col">what moved it most (points; ▼ lowered, ▲ raised)</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></main></body></html>\n"
    )
