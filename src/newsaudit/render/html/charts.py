"""Charts as inline SVG (no script, no external resource), each with its figures in `<title>`s for screen
readers: the batch summary's and the web app's. Every label goes through `esc`."""

from __future__ import annotations

from collections.abc import Sequence

from newsaudit.render.html.util import esc, shorten


def bar_chart(title: str, bars: Sequence[tuple[str, int, str]], *, vertical: bool = False) -> str:
    """A bar chart as inline SVG with a text table for screen readers; "none" when there is nothing to draw."""
    if not bars or not any(n for _, n, _ in bars):
        return f"<section><h2>{esc(title)}</h2><p>none</p></section>"
    top = max(n for _, n, _ in bars)
    if vertical:
        width, height, slot = 400, 180, 400 / len(bars)
        shapes = []
        for i, (label, n, kind) in enumerate(bars):
            tall = 0 if not top else round(120 * n / top, 1)
            x = round(i * slot + 2, 1)
            shapes.append(
                f'<rect class="bar {esc(kind)}" x="{x}" y="{140 - tall}" width="{slot - 4:.1f}" height="{tall}">'
                f"<title>{esc(label)}: {n:,}</title></rect>"
                f'<text x="{x + slot / 2 - 2:.1f}" y="{134 - tall}" text-anchor="middle">{n:,}</text>'
                f'<text x="{x + slot / 2 - 2:.1f}" y="158" text-anchor="middle">{esc(label)}</text>'
            )
    else:
        width, row = 400, 22
        height = row * len(bars) + 4
        shapes = []
        for i, (label, n, kind) in enumerate(bars):
            long = 0 if not top else round(200 * n / top, 1)
            y = i * row + 2
            shapes.append(
                f'<text x="148" y="{y + 15}" text-anchor="end">{esc(shorten(label, 24))}</text>'
                f'<rect class="bar {esc(kind)}" x="152" y="{y + 3}" width="{long}" height="{row - 6}">'
                f"<title>{esc(label)}: {n:,}</title></rect>"
                f'<text x="{156 + long}" y="{y + 15}">{n:,}</text>'
            )
    return (
        f"<section><h2>{esc(title)}</h2>"
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">{"".join(shapes)}</svg>'
        "</section>"
    )


def line_chart(title: str, points: Sequence[tuple[str, float | None, int]], *, top: float = 100.0) -> str:
    """A line of values over ordered labels (months: mean score, with the article count in each point's
    title); points without a value break the line. "none" when there is nothing to draw."""
    drawn = [(label, value, n) for label, value, n in points if value is not None]
    if not drawn:
        return f"<section><h2>{esc(title)}</h2><p>none</p></section>"
    width, height, left, bottom = 400, 180, 30, 150
    step = (width - left - 10) / max(1, len(points) - 1)
    shapes = [
        f'<line class="axis" x1="{left}" y1="{bottom}" x2="{width - 5}" y2="{bottom}"></line>',
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end">0</text>',
        f'<text x="{left - 4}" y="14" text-anchor="end">{top:g}</text>',
    ]
    path, dots = [], []
    for i, (label, value, n) in enumerate(points):
        x = round(left + i * step, 1)
        if value is None:
            if path:
                shapes.append(f'<polyline class="line" points="{" ".join(path)}"></polyline>')
            path = []
            continue
        y = round(bottom - (bottom - 10) * min(max(value, 0.0), top) / top, 1)
        path.append(f"{x},{y}")
        dots.append(
            f'<circle class="dot" cx="{x}" cy="{y}" r="3"><title>{esc(label)}: {value:.1f} ({n:,} articles)</title>'
            "</circle>"
        )
    if path:
        shapes.append(f'<polyline class="line" points="{" ".join(path)}"></polyline>')
    for i in sorted({0, len(points) - 1, (len(points) - 1) // 2}):
        shapes.append(
            f'<text x="{round(left + i * step, 1)}" y="{bottom + 18}" text-anchor="middle">{esc(points[i][0])}</text>'
        )
    return (
        f"<section><h2>{esc(title)}</h2>"
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">{"".join(shapes + dots)}</svg>'
        "</section>"
    )
