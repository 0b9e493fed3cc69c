"""Small pieces every part of the HTML report shares: escaping, shortening, safe links, span ids and fixed words.

Everything from the input is hostile and only ever reaches the page through `esc`.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from newsaudit.schema import Source, Span

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

DISCLAIMER = (
    "newsaudit judges sourcing, provenance and presentation: who an article rests on, how it hedges, where "
    "its text came from and how it is dressed up. It does not decide whether the events it reports are true."
)


def esc(value: object) -> str:
    """Escape anything from the input for element text and (double-quoted) attribute values."""
    return escape("" if value is None else str(value), quote=True)


def shorten(text: str, width: int = 80) -> str:
    """`text` on one line, cut to at most `width` characters (with an ellipsis)."""
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


def span_id(span: Span | Source | tuple[int, int], prefix: str = "ev") -> str:
    """The stable element id of a highlighted span: `ev-START-END` in the body, `ti-START-END` in the title."""
    start, end = span if isinstance(span, tuple) else (span.start, span.end)
    return f"{prefix}-{int(start)}-{int(end)}"
