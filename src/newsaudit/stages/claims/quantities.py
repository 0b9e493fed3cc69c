"""Quantities in a claim: the numbers a sentence states, read as a value or as bounds, so that a later check
can compare them with another source's figure.

`find_quantities` reads a parsed `Doc` (its text is the article text, so offsets are article offsets) and
looks only at the entities inside `[start, end)`, a claim sentence, by default the whole text.

Quantities come from CARDINAL, QUANTITY, MONEY and PERCENT entities, and from numbers the recogniser missed
("hundreds", "12" before a noun). A qualifier before the number sets a bound: "nearly 1,000" has `high`
1,000, "more than 3,000" has `low` 3,000, "about 40" neither. A range ("between 200 and 300", "200 to 300")
has `low` and `high` and no `value`. An order of magnitude ("hundreds", "tens of thousands") has no `value`
and spans one power of ten: `low` = M, `high` = 10·M − 1; a contrast after it ("hundreds, rather than
thousands") becomes its `qualifier` and is not counted again. `approximate` is True whenever the exact
number is not stated (a qualifier, a range, a magnitude). `unit` is the currency code for money ("$" →
USD), "percent" for a share, the measure of a QUANTITY ("miles"), otherwise the noun the number counts with
its compounds ("cruise missiles"). Years after "in", "since" and the like belong to the times
(`newsaudit.stages.claims.times`), not here.

Two readers here are public because the times use them too: `is_year` (a four-digit number the recogniser
took for a count, which `find_times` reads as a year) and `parse_number` (number words and digits, for
"three weeks ago").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_text, entities_within
from newsaudit.schema import Quantity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


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
        (ent.start, ent.end, ent.label_) for ent in entities_within(doc, start, end) if ent.label_ in _QUANTITY_LABELS
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
    if label == "CARDINAL" and is_year(doc, first, last):
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


def is_year(doc: Doc, first: int, last: int) -> bool:
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
        if (value := parse_number(head)) is not None:
            return used, value, None, None
    return None


def parse_number(words: list[str]) -> float | None:
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
        low, high = parse_number(body[:k]), parse_number(body[k + 1 :])
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
