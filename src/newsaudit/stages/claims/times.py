"""Times in a claim: the dates and periods a sentence states, resolved to a calendar range so that a later
check can compare them with another source's.

`find_times` reads a parsed `Doc` (its text is the article text, so offsets are article offsets) and looks
only at the entities inside `[start, end)`, a claim sentence, by default the whole text.

Times come from DATE and TIME entities (a DATE and a TIME side by side, "Tuesday night", are one
expression), and from years the recogniser tagged as numbers ("in 2015", read with
`newsaudit.stages.claims.quantities.is_year`). Relative expressions are resolved against the publication
date: weeks run Monday to Sunday; a bare weekday, month or month-day is the most recent one on or before
publication (news reports what happened), or the next one on or after it when the governing verb takes
"will" or "shall". "last Friday" is strictly before publication, "next Friday" strictly after. "early",
"late", "mid-" and "the end of" keep the bounds of what they modify. Durations ("three years"), holidays and
seasons come back as a "period" without bounds, and ages ("42-year-old") are skipped.

Each form of date is one pattern and one rule (`_DATE_RULES`), tried in order; the first pattern that
matches the normalised text decides.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_text, entities_within
from newsaudit.schema import TimeExpression
from newsaudit.stages.claims.quantities import is_year, parse_number

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name[day].lower() for day in range(7))}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(_WEEKDAYS)
_COUNT = r"(?P<n>an?|\d+|[a-z]+(?:-[a-z]+)?)"
_UNIT = r"(?P<unit>day|week|month|year|decade)"

_DAY_PATTERN = re.compile(
    rf"^(?:(?:{_WEEKDAY}),? )?(?:(?P<month>{_MONTH})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<month2>{_MONTH})\.?)(?:,? (?P<year>\d{{4}}))?$"
)
_MONTH_PATTERN = re.compile(
    rf"^(?:(?P<which>last|this|next) )?(?P<month>{_MONTH})\.?(?:,? (?:of )?(?P<year>\d{{4}}))?$"
)
_YEAR_PATTERN = re.compile(r"^(?:(?:the )?year )?(?P<year>\d{4})$")
_DECADE_PATTERN = re.compile(r"^(?:(?P<century>1[0-9]|20)|')?(?P<decade>\d)0'?s$")
_ISO_PATTERN = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")
_US_PATTERN = re.compile(r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})$")
_WEEKDAY_PATTERN = re.compile(rf"^(?:(?P<which>last|this|next|past) )?(?P<weekday>{_WEEKDAY})$")
_NAMED_DAY_PATTERN = re.compile(r"^(?P<name>today|tonight|yesterday|tomorrow|this|last)$")
_CALENDAR_PATTERN = re.compile(
    r"^(?:(?P<part>earlier|later) )?(?:(?P<which>last|this|next|past|previous|coming) "
    r"(?P<unit>week|weekend|month|year|decade)|weekend)$"
)
_AGO_PATTERN = re.compile(rf"^{_COUNT} {_UNIT}s? ago$")
_SPAN_PATTERN = re.compile(rf"^(?P<which>past|last|previous|next|coming) {_COUNT} {_UNIT}s$")
#: Words that widen or narrow a date without moving it: the bounds stay those of what they modify.
_MODIFIERS = re.compile(r"^(?:the |early |late |mid-|mid |(?:end|start|beginning|middle|rest) of (?:the )?)+")
_TIME_OF_DAY = re.compile(
    r"(?:^|\s)(?:(?:at|around|about|by|before|after) )?(?:\d{1,2}(?::\d{2})? ?[ap]\.?m\.?|\d{1,2}:\d{2}"
    r"|noon|midnight|dawn|dusk|morning|afternoon|evening|night|overnight)(?=[\s,]|$)"
)
_AGE = re.compile(r"-year-old|\byears? old\b")
_FUTURE_AUXILIARIES = frozenset({"will", "shall", "'ll"})


@dataclass(frozen=True, slots=True)
class _When:
    granularity: str
    earliest: date | None = None
    latest: date | None = None
    relative: bool = False


def find_times(doc: Doc, published: str | None, start: int = 0, end: int | None = None) -> list[TimeExpression]:
    """The dates and periods in `[start, end)`, resolved against `published` (an ISO date or datetime)."""
    end = len(doc_text(doc)) if end is None else end
    anchor = _publication_date(published)
    text = doc_text(doc)
    found = []
    for first, last in _time_spans(doc, start, end):
        span_start, span_end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1])
        words = text[span_start:span_end]
        if _AGE.search(words.lower()):
            continue
        when = _resolve(words, anchor, _is_future(doc[first:last]))
        found.append(
            TimeExpression(
                span_start,
                span_end,
                words,
                when.granularity,
                when.earliest.isoformat() if when.earliest else None,
                when.latest.isoformat() if when.latest else None,
                when.relative,
            )
        )
    return found


def _publication_date(published: str | None) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _time_spans(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """DATE and TIME entities (one when side by side: "Tuesday night") and years tagged as numbers."""
    spans: list[tuple[int, int]] = []
    for ent in entities_within(doc, start, end):
        if ent.label_ in ("DATE", "TIME"):
            # Right after another DATE or TIME (not after a year tagged CARDINAL): one expression.
            if spans and spans[-1][1] == ent.start and doc[ent.start - 1].ent_type_ in ("DATE", "TIME"):
                spans[-1] = (spans[-1][0], ent.end)
            else:
                spans.append((ent.start, ent.end))
        elif ent.label_ == "CARDINAL" and is_year(doc, ent.start, ent.end):
            spans.append((ent.start, ent.end))
    return spans


def _is_future(span: Span) -> bool:
    """True when the verb the expression depends on takes "will" or "shall" ("will vote in July")."""
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return any(child.dep_ == "aux" and child.lower_ in _FUTURE_AUXILIARIES for child in verb.children)


def _resolve(words: str, anchor: date | None, future: bool) -> _When:
    """The calendar range of one expression; `_When("period")` when no rule reads it."""
    normal = _MODIFIERS.sub("", " ".join(words.lower().replace("’", "'").split())).removesuffix("'s")
    without_time = _TIME_OF_DAY.sub("", normal).strip(" ,")
    if without_time == normal:
        return _resolve_date(normal, anchor, future) or _When("period")
    if not without_time:
        return _When("time")  # a clock time with no day: the day is elsewhere in the text, if anywhere
    when = _resolve_date(without_time, anchor, future)
    if when is None:
        return _When("time")
    return _When("time", when.earliest, when.latest, when.relative) if when.granularity == "day" else when


def _resolve_date(normal: str, anchor: date | None, future: bool) -> _When | None:
    for pattern, rule in _DATE_RULES:
        match = pattern.match(normal)
        if match is not None:
            try:
                return rule(match, anchor, future)
            except ValueError:  # "February 30", a number word the rule cannot read
                return None
    return None


def _day_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    month = _MONTHS[match["month"] or match["month2"]]
    day = int(match["day"] or match["day2"])
    if match["year"]:
        when = date(int(match["year"]), month, day)
        return _When("day", when, when)
    if anchor is None:
        return _When("day", relative=True)
    when = date(anchor.year, month, day)
    if not future and when > anchor:
        when = date(anchor.year - 1, month, day)
    elif future and when < anchor:
        when = date(anchor.year + 1, month, day)
    return _When("day", when, when, True)


def _month_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    month = _MONTHS[match["month"]]
    if match["year"]:
        return _When("month", *_month_bounds(int(match["year"]), month))
    if anchor is None:
        return _When("month", relative=True)
    which = match["which"]
    year = anchor.year
    if which == "last" or (which is None and not future):
        year -= month > anchor.month or (which == "last" and month == anchor.month)
    elif which == "next" or (which is None and future):
        year += month < anchor.month or (which == "next" and month == anchor.month)
    return _When("month", *_month_bounds(year, month), True)


def _year_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    year = int(match["year"])
    return _When("year", date(year, 1, 1), date(year, 12, 31))


def _decade_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    decade = int(match["decade"]) * 10
    if match["century"]:
        year = int(match["century"]) * 100 + decade
    else:  # "the '90s": the latest such decade that has begun by publication (1900s without a date)
        year = 2000 + decade if anchor is not None and 2000 + decade <= anchor.year else 1900 + decade
    return _When("decade", date(year, 1, 1), date(year + 9, 12, 31))


def _iso_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    when = date(int(match["year"]), int(match["month"]), int(match["day"]))
    return _When("day", when, when)


def _weekday_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    if anchor is None:
        return _When("day", relative=True)
    weekday, which = _WEEKDAYS[match["weekday"]], match["which"]
    if which == "this":
        when = _monday(anchor) + timedelta(days=weekday)
    elif which == "next" or (which is None and future):
        ahead = (weekday - anchor.weekday()) % 7
        when = anchor + timedelta(days=ahead or (7 if which == "next" else 0))
    else:
        back = (anchor.weekday() - weekday) % 7
        when = anchor - timedelta(days=back or (7 if which in ("last", "past") else 0))
    return _When("day", when, when, True)


def _named_day_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    """ "today", "yesterday", "tomorrow"; "this" and "last" are what "this morning" and "last night" leave."""
    granularity = "time" if match["name"] == "tonight" else "day"
    if anchor is None:
        return _When(granularity, relative=True)
    when = anchor + timedelta(days={"yesterday": -1, "last": -1, "tomorrow": 1}.get(match["name"], 0))
    return _When(granularity, when, when, True)


def _calendar_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    """ "last week", "this month", "earlier this year", "the past decade", "the weekend"."""
    unit, which, part = match["unit"] or "weekend", match["which"], match["part"]
    up_to_now = which == "past" or (which == "last" and unit == "decade")  # "the last decade": ten years
    granularity = "period" if up_to_now or unit == "weekend" else unit
    if anchor is None:
        return _When(granularity, relative=True)
    if up_to_now:
        return _When("period", _shift(anchor, unit, -1), anchor, True)
    step = {"last": -1, "previous": -1, "next": 1, "coming": 1}.get(which or "", 0)
    if unit == "weekend":
        if which is None:  # "over the weekend": the latest one begun by publication, the next one if future
            step = 0 if anchor.weekday() >= 5 or future else -1
        saturday = _monday(anchor) + timedelta(days=5 + 7 * step)
        return _When("period", saturday, saturday + timedelta(days=1), True)
    earliest, latest = _unit_bounds(_shift(anchor, unit, step), unit)
    if part == "earlier":
        latest = anchor
    elif part == "later":
        earliest = anchor
    return _When(granularity, earliest, latest, True)


def _ago_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    """ "two weeks ago": the day, week, month, year or decade that many units before publication."""
    count, unit = _count(match["n"]), match["unit"]
    if anchor is None:
        return _When(unit, relative=True)
    then = _shift(anchor, unit, -count)
    return _When(unit, *(_unit_bounds(then, unit) if unit != "day" else (then, then)), True)


def _span_rule(match: re.Match[str], anchor: date | None, future: bool) -> _When:
    """ "the past three years": from that long before publication to publication (or after, for "next")."""
    count, unit = _count(match["n"]), match["unit"]
    if anchor is None:
        return _When("period", relative=True)
    if match["which"] in ("next", "coming"):
        return _When("period", anchor, _shift(anchor, unit, count), True)
    return _When("period", _shift(anchor, unit, -count), anchor, True)


_DATE_RULES = (
    (_DAY_PATTERN, _day_rule),
    (_MONTH_PATTERN, _month_rule),
    (_YEAR_PATTERN, _year_rule),
    (_DECADE_PATTERN, _decade_rule),
    (_ISO_PATTERN, _iso_rule),
    (_US_PATTERN, _iso_rule),
    (_WEEKDAY_PATTERN, _weekday_rule),
    (_NAMED_DAY_PATTERN, _named_day_rule),
    (_CALENDAR_PATTERN, _calendar_rule),
    (_AGO_PATTERN, _ago_rule),
    (_SPAN_PATTERN, _span_rule),
)


def _count(words: str) -> int:
    number = 1.0 if words in ("a", "an") else parse_number(words.replace("-", " - ").split())
    if number is None:
        raise ValueError(words)
    return int(number)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _unit_bounds(day: date, unit: str) -> tuple[date, date]:
    """The week (Monday to Sunday), month, year or decade that contains `day`."""
    if unit == "week":
        return _monday(day), _monday(day) + timedelta(days=6)
    if unit == "month":
        return _month_bounds(day.year, day.month)
    if unit == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    decade = day.year - day.year % 10
    return date(decade, 1, 1), date(decade + 9, 12, 31)


def _shift(day: date, unit: str, count: int) -> date:
    """`day` moved by `count` units; a month or year shift keeps the day of the month where it exists."""
    if unit in ("day", "week"):
        return day + timedelta(days=count * (7 if unit == "week" else 1))
    months = day.year * 12 + day.month - 1 + count * {"month": 1, "year": 12, "decade": 120}[unit]
    year, month = divmod(months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
