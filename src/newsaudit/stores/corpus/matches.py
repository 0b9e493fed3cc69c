"""What corpus look-ups return (`ReuseMatch`, `Cluster`) and how they order articles by publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from newsaudit.stores.corpus.alignment import Passage

#: How much of the other article's text a `ReuseMatch` passage keeps (its offsets are always exact).
PREVIEW_CHARS = 160


@dataclass(frozen=True, slots=True)
class ReuseMatch:
    """A stored article that shares passages with the article looked up.

    `share_this` is the fraction of the looked-up article's words found in the other, `share_other` the
    fraction of the other's words found in this one. In `passages`, `a` points into this article's text and
    `b` into the other's: `b.start`/`b.end` are exact, `b.text` is cut to `PREVIEW_CHARS` (ending in "…").
    `earlier` says which was published first, from `published` ("unknown" when either date is missing or
    they fall on the same day without times).
    """

    id: str
    url: str | None
    domain: str | None
    title: str | None
    published: str | None
    share_this: float
    share_other: float
    passages: tuple[Passage, ...]
    earlier: Literal["this", "other", "unknown"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A reuse family: articles linked by verified shared passages, earliest first (by `published`, undated
    last, ties by id); `earliest` is the first member."""

    members: tuple[str, ...]
    earliest: str


# -- dates ----------------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _parse_date(value: str | None) -> tuple[str, str] | None:
    """(YYYY-MM-DD, HH:MM:SS in UTC or "") of a published date, or None when it cannot be read."""
    if not value:
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _ISO_DATE.search(text)
        return (match.group(0), "") if match else None
    if len(text) <= 10:
        return moment.date().isoformat(), ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date().isoformat(), moment.time().isoformat()


def date_key(value: str | None) -> tuple[int, str, str]:
    """A sort key for `published` values: earliest first, undated (or unreadable) last."""
    parsed = _parse_date(value)
    return (1, "", "") if parsed is None else (0, *parsed)


def day_number(value: str | None) -> int | None:
    """The proleptic Gregorian day number of a `published` value (UTC), or None when it cannot be read."""
    parsed = _parse_date(value)
    return None if parsed is None else date.fromisoformat(parsed[0]).toordinal()


def earlier(this: str | None, other: str | None) -> Literal["this", "other", "unknown"]:
    """Which of two `published` values is earlier: "this", "other", or "unknown" (a date missing or
    unreadable, or the same day without times on both sides, or the same moment)."""
    a, b = _parse_date(this), _parse_date(other)
    if a is None or b is None:
        return "unknown"
    if a[0] != b[0]:
        return "this" if a[0] < b[0] else "other"
    if a[1] and b[1] and a[1] != b[1]:
        return "this" if a[1] < b[1] else "other"
    return "unknown"


def preview(text: str) -> str:
    """A passage's text cut to `PREVIEW_CHARS`, ending in "…" when cut."""
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"
