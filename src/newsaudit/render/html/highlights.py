"""Marking up a text: cutting it at every span boundary into properly nested highlight `<mark>` elements.

A stack of open elements keeps overlapping findings (a claim holding a source, a cue and a hedge; a hedge scope
crossing an attribution) properly nested. Every highlighted span is `<mark id="ev-START-END">`; a span cut in
pieces carries `data-of="ev-START-END"` on each piece so that jumping to it highlights all of it. `body_marks`
and `title_marks` turn an audit's findings into marks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsaudit.render.html.util import KIND_LABELS, esc, shorten, span_id
from newsaudit.schema import Audit, Span

#: Nesting order for marks with identical offsets (outermost first).
_ORDER = {"claim": 0, "copied": 1, "evid": 2, "disputed": 3, "src": 4, "cue": 5, "denial": 6, "hedge": 7}


@dataclass
class Mark:
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
class Marked:
    """A text marked up, and which of its spans had to be cut in pieces (each needs a CSS rule)."""

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


def mark_up(
    text: str, marks: Sequence[Mark], inserts: dict[int, list[str]], prefix: str, *, paragraphs: bool
) -> Marked:
    """Escaped `text` with every mark as properly nested `<mark>` elements (cut where marks cross)."""
    n = len(text)
    clean = [
        Mark(
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
            points.setdefault(m.start, []).append(f'<mark{ident} class="{m.classes}" title="{esc(m.title)}"></mark>')
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
    return Marked("\n".join(out), split)


def _mark_block(
    text: str,
    marks: list[Mark],
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
    stack: list[Mark] = []

    def open_tag(m: Mark, pos: int) -> str:
        key = m.key
        attrs = f' data-of="{key}"'
        if pos == m.start and key not in used:
            used.add(key)
            attrs = f' id="{key}"{attrs}{m.attrs}'
        elif pos != m.start:
            split.add(key)
        return f'<mark class="{m.classes}" title="{esc(m.title)}"{attrs}>'

    for pos in sorted(cuts):
        ending = [i for i, m in enumerate(stack) if min(m.end, hi) == pos]
        reopen: list[Mark] = []
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
            out.append(esc(text[pos:following]))
        else:  # the block's end: every mark is closed by now
            out.extend(inserts.get(pos, ()))
    return "".join(out)


# --- the article ----------------------------------------------------------------------------------------------


def body_marks(audit: Audit) -> tuple[list[Mark], dict[int, list[str]]]:
    """Every finding in the body as marks, plus the in-text links (denials, removed chrome) as inserts."""
    marks: list[Mark] = []
    inserts: dict[int, list[str]] = {}
    for claim in audit.claims:
        status = ", ".join(claim.status) or "no status"
        marks.append(
            Mark(
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
            marks.append(Mark(source.start, source.end, "src", f"hl src k-{kind}", f"source: {KIND_LABELS[kind]}{who}"))
        marks.append(
            Mark(
                attribution.cue.start,
                attribution.cue.end,
                "cue",
                "hl src cue",
                f"attribution cue ({attribution.type}): “{shorten(attribution.cue.text, 40)}”",
            )
        )
    for hedge in audit.hedges:
        marks.append(
            Mark(
                hedge.cue.start,
                hedge.cue.end,
                "hedge",
                "hl hedge",
                f"hedge ({hedge.kind}), weakens: “{shorten(hedge.scope.text)}”",
            )
        )
    disputed_by: dict[tuple[int, int], list[tuple[int, Span]]] = {}
    for number, denial in enumerate(audit.denials):
        refs = "".join(
            f'<a class="ref ref-dispute" href="#{span_id(span)}" data-n="{k + 1}" '
            f'aria-label="disputes statement {k + 1}: {esc(shorten(span.text, 60))}"></a>'
            for k, span in enumerate(denial.disputes)
        )
        who = denial.source.name or denial.source.text if denial.source else "no source given"
        marks.append(
            Mark(
                denial.cue.start,
                denial.cue.end,
                "denial",
                "hl denial",
                f"{denial.kind.replace('_', ' ')} by {shorten(who, 60)}; disputes {len(denial.disputes)} statement(s)",
                attrs=f' data-denial="{number}"',
                suffix=refs,
            )
        )
        for span in denial.disputes:
            disputed_by.setdefault((span.start, span.end), []).append((number, denial.cue))
    for (start, end), denials in disputed_by.items():
        back = "".join(
            f'<a class="ref ref-back" href="#{span_id(cue)}" '
            f'aria-label="back to the denial: {esc(shorten(cue.text, 40))}"></a>'
            for _, cue in denials
        )
        marks.append(Mark(start, end, "disputed", "hl disputed", "disputed by a denial", suffix=back))
    for reuse in audit.reuse:
        origin = reuse.domain or reuse.url or reuse.id
        credit = "credited" if reuse.credited else "NOT credited"
        for passage in reuse.passages:
            marks.append(
                Mark(
                    passage.this.start,
                    passage.this.end,
                    "copied",
                    "hl copied",
                    f"copied, shared with {shorten(origin or '', 60)} — “{shorten(reuse.title or '', 60)}” ({credit})",
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
            marks.append(Mark(span.start, span.end, "evid", "hl evid", "evidence for a finding"))
    for number, piece in enumerate(audit.article.removed):
        inserts.setdefault(piece.at, []).append(
            f'<a class="ref ref-cut" id="cut-{number}" href="#rm-{number}" '
            f'aria-label="removed {esc(piece.kind.replace("_", " "))} stood here"></a>'
        )
    return marks, inserts


def title_marks(audit: Audit) -> list[Mark]:
    seen: set[tuple[int, int]] = set()
    marks = []
    for signal in audit.signals:
        for span in signal.title_evidence:
            if (span.start, span.end) not in seen:
                seen.add((span.start, span.end))
                marks.append(Mark(span.start, span.end, "evid", "hl evid", f"evidence for: {signal.name}"))
    return marks
