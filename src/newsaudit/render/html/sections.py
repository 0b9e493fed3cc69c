"""The report's sections: header, navigation, problems, the marked-up article, claims, denials, copied text,
headline stance and removed chrome in the main column; credibility gauge, signals and sourcing beside it.
"""

from __future__ import annotations

import math
import re

from newsaudit.models.credibility import held_out_for
from newsaudit.render.html.highlights import Marked
from newsaudit.render.html.story import story_section
from newsaudit.render.html.util import DISCLAIMER, KIND_LABELS, esc, safe_href, shorten, span_id
from newsaudit.schema import CREDIBILITY_BANDS, Audit, Signal

#: The toggleable layers: (css class, checkbox label).
LAYERS = (
    ("claim", "claims"),
    ("src", "sources"),
    ("hedge", "hedges"),
    ("denial", "denials"),
    ("copied", "copied"),
)


def _link_or_text(url: str | None) -> str:
    href = safe_href(url)
    if href is None:
        return f'<span class="url">{esc(url)}</span>'
    return f'<a class="url" href="{esc(href)}" rel="noopener noreferrer nofollow">{esc(url)}</a>'


def header(audit: Audit, title_html: str) -> str:
    article = audit.article
    facts = [
        ("site", esc(article.site_name) if article.site_name else ""),
        ("domain", esc(article.domain) if article.domain else ""),
        ("URL", _link_or_text(article.url) if article.url else ""),
        ("published", esc(article.published) if article.published else ""),
        ("by", esc(", ".join(article.authors)) if article.authors else ""),
        ("language", esc(article.language) if article.language else ""),
        ("words", str(len(article.text.split()))),
        ("sentences", str(len(audit.sentences))),
        ("from", esc(article.source) if article.source else ""),
        ("article id", esc(article.id)),
    ]
    meta = "".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts if value)
    subtitle = f'<p class="subtitle">{esc(article.subtitle)}</p>' if article.subtitle else ""
    return (
        '<header class="top">'
        '<p class="kicker">newsaudit report</p>'
        f'<h1 id="title">{title_html}</h1>{subtitle}'
        f'<dl class="meta">{meta}</dl>'
        f'<p class="disclaimer">{esc(DISCLAIMER)}</p>'
        "</header>"
    )


def nav(audit: Audit) -> str:
    items = [("article-text", "Article"), ("signals", "Signals"), ("sourcing", "Sourcing")]
    items += [("claims", "Claims"), ("denials", "Denials"), ("copied", "Copied"), ("story", "Story")]
    items.append(("stance", "Headline"))
    items.append(("removed", "Removed chrome"))
    links = "".join(f'<li><a href="#{target}">{label}</a></li>' for target, label in items)
    return f'<nav aria-label="Sections"><ul>{links}</ul></nav>'


def main_content(audit: Audit, marked: Marked) -> str:
    """The main column: problems, the marked-up article, then the findings section by section."""
    return (
        f'<main id="main">{_problems(audit)}{_article(audit, marked)}{_claims(audit)}{_denials(audit)}'
        f"{_copied(audit)}{story_section(audit)}{_stance(audit)}{_removed(audit)}</main>"
    )


def assessment(audit: Audit) -> str:
    """The side column: the credibility gauge, the signals and the sourcing profile."""
    return f'<aside aria-label="Assessment">{_gauge(audit)}{_signals(audit)}{_sourcing(audit)}</aside>'


def _problems(audit: Audit) -> str:
    if not audit.errors:
        return ""
    items = "".join(
        f'<li class="sev-{esc(error.severity)}"><strong>{esc(error.severity)}</strong>: {esc(error.message)} '
        f"<code>{esc(error.stage)}/{esc(error.code)}</code></li>"
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


def _article(audit: Audit, marked: Marked) -> str:
    language = audit.article.language or ""
    lang = f' lang="{esc(language)}"' if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", language) else ""
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
            f'<path class="band band-{esc(label)}" d="M{x1:.1f} {y1:.1f} A{r:.0f} {r:.0f} 0 0 1 {x2:.1f} {y2:.1f}"/>'
        )
    head = '<section class="credibility" aria-labelledby="cred-h"><h2 id="cred-h">Credibility</h2>'
    if found is not None and not found.assessed:
        # No gauge: a needle at 50 would read as a verdict of "mixed".
        reputation = f"<p>Site reputation: {esc(found.reputation)}</p>" if found.reputation is not None else ""
        return (
            f'{head}<p class="cred-label label-not_assessed">not assessed</p>'
            f'<p class="cred-reason">Not assessed: {esc(found.reason or "no reason given")}.</p>{reputation}</section>'
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
            f'<li><a href="#sig-{names[name]}">{esc(name)}</a></li>' if name in names else f"<li>{esc(name)}</li>"
            for name in found.top_signals
        )
        summary = (
            f'<p class="cred-label label-{esc(found.label)}">{esc(found.label)} credibility</p>'
            '<dl class="cred">'
            f"<div><dt>score</dt><dd>{score:.0f} / 100</dd></div>"
            f"<div><dt>probability low</dt><dd>{float(found.probability_low):.0%}</dd></div>"
            f"<div><dt>site reputation</dt><dd>{esc(reputation)}</dd></div>"
            + (f"<div><dt>model</dt><dd>{esc(found.model)}</dd></div>" if found.model else "")
            + "</dl>"
            + _separation(found.model)
            + (f'<p>Top signals:</p><ol class="top-signals">{top}</ol>' if top else "")
        )
    svg = (
        '<svg class="gauge" viewBox="0 0 200 115" role="img" aria-labelledby="gauge-t">'
        f'<title id="gauge-t">{esc(desc)}</title>{"".join(arcs)}{needle}'
        f'<text class="gauge-score" x="100" y="92" text-anchor="middle">{esc(big)}</text>'
        '<text class="gauge-end" x="20" y="112" text-anchor="middle">0</text>'
        '<text class="gauge-end" x="180" y="112" text-anchor="middle">100</text></svg>'
    )
    return f"{head}{svg}{summary}</section>"


def _separation(model: str) -> str:
    """One line on how well the model separated articles of held-out sites, plainly marked when weak."""
    held_out = held_out_for(model)
    if held_out is None:
        return ""
    return f'<p class="cred-separation{" weak" if held_out.weak else ""}">{esc(held_out.line())}</p>'


def _signal(number: int, signal: Signal, audit: Audit) -> str:
    direction = signal.direction if signal.direction in ("lowers", "raises") else "neutral"
    arrow = {"lowers": "▼ lowers trust", "raises": "▲ raises trust"}.get(direction, "● informative")
    links = [
        f'<li><a href="#{span_id(span)}">show me: “{esc(shorten(span.text, 50))}”</a></li>' for span in signal.evidence
    ]
    links += [
        f'<li><a href="#{span_id(span, "ti")}">show me in the title: “{esc(shorten(span.text, 40))}”</a></li>'
        for span in signal.title_evidence
    ]
    removed = audit.article.removed
    links += [
        f'<li><a href="#rm-{index}">show me: removed {esc(removed[index].kind.replace("_", " "))}</a></li>'
        for index in signal.removed
        if 0 <= index < len(removed)
    ]
    evidence = f'<ul class="show-me">{"".join(links)}</ul>' if links else ""
    return (
        f'<li id="sig-{number}" class="signal dir-{direction}">'
        f'<p class="signals-head"><code>{esc(signal.name)}</code> <span class="dir">{arrow}</span></p>'
        f'<p class="sig-num">weight {signal.weight:+.1f} points · value {signal.value:g}</p>'
        f"<p>{esc(signal.explanation)}</p>{evidence}</li>"
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
    claims = ""
    if audit.claims:
        anonymous = sum(1 for claim in audit.claims if claim.source_kind in ("anonymous", "unnamed_group"))
        unattributed = sum(1 for claim in audit.claims if claim.source_kind == "unattributed")
        claims = (
            f"<p>Of {len(audit.claims)} check-worthy claims (what the signals count), {anonymous} rest on anonymous "
            f"or unnamed sources and {unattributed} name no source.</p>"
        )
    summary = (
        f"<p>{esc(profile.get('n_named_sources', 0))} named source(s)"
        + (f": {esc(', '.join(map(str, profile.get('named_sources') or ())))}" if profile.get("named_sources") else "")
        + f".</p>{claims}<p>Of {esc(n_sentences)} sentences, {_pct(profile.get('share_anonymous_or_unnamed'))} rest "
        f"on anonymous or unnamed sources and {_pct(profile.get('share_unattributed'))} have no attribution.</p>"
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
            f"{esc(KIND_LABELS.get(kind, kind))}</text>"
            f'<rect class="bar {css}" x="{label_w}" y="{y + 4}" width="{width:.1f}" height="14"/>'
            f'<text class="bar-value" x="{label_w + width + 4:.1f}" y="{y + 15}">{value:g}</text>'
        )
    height = row_h * len(kinds)
    chart = (
        f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 40} {height}" aria-hidden="true" focusable="false">'
        f"{''.join(bars)}</svg>"
    )
    rows = "".join(
        f'<tr><th scope="row">{esc(KIND_LABELS.get(kind, kind))}</th>'
        f"<td>{esc(by_kind.get(kind, 0))}</td><td>{esc(by_attr.get(kind, 0))}</td></tr>"
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
        who = esc(shorten(source.name or source.text, 60)) + " · " if source else ""
        checks = "".join(
            f"<li>fact-check ({match.score:.2f}): <strong>{esc(match.verdict or '?')}</strong> — "
            f"{esc(shorten(match.claim_reviewed, 160))}"
            + (f" · {esc(match.publisher)}" if match.publisher else "")
            + (f" · {esc(match.claimant)}" if match.claimant else "")
            + (f" · {esc(match.date)}" if match.date else "")
            + (f" · {_link_or_text(match.url)}" if match.url else "")
            + "</li>"
            for match in claim.factchecks
        )
        items.append(
            f'<li id="claim-{int(claim.rank)}"><p><span class="rank">#{int(claim.rank)}</span> '
            f'<a href="#{span_id(claim.span)}">{esc(shorten(claim.span.text, 200))}</a></p>'
            f'<p class="claim-meta">score {claim.score:.2f} · {who}'
            f"{esc(KIND_LABELS.get(claim.source_kind, claim.source_kind))}"
            f" · {esc(', '.join(claim.status) or 'no status')}</p>"
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
        who = esc(shorten(denial.source.name or denial.source.text, 60)) if denial.source else "no source given"
        disputes = "".join(
            f'<li><a href="#{span_id(span)}">“{esc(shorten(span.text, 120))}”</a></li>' for span in denial.disputes
        )
        items.append(
            f"<li><p>{esc(denial.kind.replace('_', ' '))} by {who}: "
            f'<a href="#{span_id(denial.cue)}">“{esc(shorten(denial.cue.text, 40))}”</a>'
            + (f" {esc(shorten(denial.target.text, 120))}" if denial.target else "")
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
            f'<li><a href="#{span_id(p.this)}">“{esc(shorten(p.this.text, 100))}”</a></li>' for p in reuse.passages
        )
        items.append(
            f"<li><p><strong>{esc(reuse.title or '(untitled)')}</strong>"
            + (f" · {esc(reuse.domain)}" if reuse.domain else "")
            + (f" · {esc(reuse.published)}" if reuse.published else "")
            + "</p>"
            + (f"<p>{_link_or_text(reuse.url)}</p>" if reuse.url else "")
            + f"<p>shares {_pct(reuse.share_this)} of this article ({_pct(reuse.share_other)} of that one) · "
            f'earlier: {esc(reuse.earlier)} · <span class="credit">{credit}</span></p>'
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
        f'<tr><th scope="row">{esc(label)}</th><td>{_num(p):.2f}</td></tr>'
        for label, p in sorted(found.probabilities.items(), key=lambda item: -_num(item[1]))
    )
    gaps = ""
    for gap in found.certainty_gaps:
        reasons = "".join(
            f'<li>{esc(reason)}: <a href="#{span_id(span)}">“{esc(shorten(span.text, 60))}”</a></li>'
            for reason, span in zip(gap.reasons, gap.evidence, strict=False)
        )
        gaps += (
            f"<li><p>The headline states flatly what the body weakens: "
            f'<a href="#{span_id(gap.statement)}">“{esc(shorten(gap.statement.text, 160))}”</a></p>'
            f"<ul>{reasons}</ul></li>"
        )
    return (
        head
        + f"<p>How the body stands towards the headline: <strong>{esc(found.label)}</strong>.</p>"
        + f'<table class="probs"><caption>Stance probabilities</caption><tbody>{probabilities}</tbody></table>'
        + (f'<h3>Certainty gaps</h3><ul class="gaps">{gaps}</ul>' if gaps else "")
        + "</section>"
    )


def _removed(audit: Audit) -> str:
    head = '<section id="removed" aria-labelledby="removed-h"><h2 id="removed-h">Removed site chrome</h2>'
    if not audit.article.removed:
        return head + "<p>Nothing was removed.</p></section>"
    items = "".join(
        f'<li id="rm-{number}"><p><strong>{esc(piece.kind.replace("_", " "))}</strong> · '
        f'<a href="#cut-{number}">stood at character {int(piece.at)}</a></p>'
        f'<pre class="chrome">{esc(piece.text)}</pre></li>'
        for number, piece in enumerate(audit.article.removed)
    )
    return head + f'<ol class="removed">{items}</ol></section>'
