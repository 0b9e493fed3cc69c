"""Site-reputation lists: reading them, normalising their ratings, and the domain names they are keyed by.

newsaudit ships no list of its own. A user loads one or more published lists into a local store and an audit
looks up the article's site in it. Readers turn a list file into `SourceRating` records and say why they skip
an entry (`Skipped`), never failing a whole file for one bad entry. Layouts, recognised from the content
(`format=` overrides):

- ``opensources``: the OpenSources JSON, ``{domain: {"type", "2nd type", "3rd type", "Source Notes …"}}``.
- ``opensources-csv``: the same list as CSV (first column the domain, header ``,type,2nd type,3rd type,…``).
- ``baly``: the Baly et al. (EMNLP 2018, ACL 2020) TSV of Media Bias/Fact Check labels, columns
  ``source_url, source_url_normalized, ref, fact, bias``.
- ``plain``: a CSV (or TSV) with a header naming ``domain`` and ``rating``, and optionally ``note``; the rating
  is one or more words of the vocabulary below, separated by ``;``, ``,``, ``|`` or ``+``.

Every rating is normalised to one of four **levels**, from its tags (the most severe tag wins):

============  ==========================================================================================
level         tags
============  ==========================================================================================
unreliable    fake, conspiracy, junksci, hate, rumor, unreliable, bias, state, low (MBFC factuality)
satire        satire
mixed         clickbait, political, mixed (MBFC)
reliable      reliable, high (MBFC)
============  ==========================================================================================

Why: OpenSources' ``bias`` means *extreme* bias, propaganda and opinion presented as fact, and ``state`` means
state-sanctioned news in a repressive state; both are reasons not to take the reporting at face value.
``clickbait`` is, in OpenSources' own words, "generally credible content" under misleading headlines, and
``political`` is "generally verifiable information" in support of one side: partisan but checkable, so
``mixed`` and no worse. ``satire`` is its own level because its content is not meant as fact, but a site that a
list also calls fake (many fake-news sites carry a "satire" disclaimer) is ``unreliable``: severity is
reliable < mixed < satire < unreliable. Spellings are normalised (``fake news``, ``Fake``, ``Conspiracy``,
``unrealiable``, ``satirical``, ``Political``, ``rumour``, ``very high``, ``very low``); any other word (``blog``)
is kept as a tag but rates nothing, and an entry with no rating word at all is skipped.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsaudit.errors import InputError, UnsupportedFormatError
from newsaudit.ingest.readers.decode import decode

#: The levels, least severe first; `Reputation.level` is the most severe among the lists that rate a site.
LEVELS = ("reliable", "mixed", "satire", "unreliable")
#: Rating words as lists spell them → canonical tag.
TAG_SPELLINGS = {
    "fake": "fake",
    "fake news": "fake",
    "satire": "satire",
    "satirical": "satire",
    "bias": "bias",
    "conspiracy": "conspiracy",
    "rumor": "rumor",
    "rumour": "rumor",
    "state": "state",
    "junksci": "junksci",
    "junk science": "junksci",
    "hate": "hate",
    "clickbait": "clickbait",
    "unreliable": "unreliable",
    "unrealiable": "unreliable",
    "political": "political",
    "reliable": "reliable",
    "very high": "high",
    "high": "high",
    "mixed": "mixed",
    "low": "low",
    "very low": "low",
}
#: Canonical tag → level (the table in the module docstring).
LEVEL_OF_TAG = {
    **dict.fromkeys(
        ("fake", "conspiracy", "junksci", "hate", "rumor", "unreliable", "bias", "state", "low"), "unreliable"
    ),
    "satire": "satire",
    **dict.fromkeys(("clickbait", "political", "mixed"), "mixed"),
    **dict.fromkeys(("reliable", "high"), "reliable"),
}
FORMATS = {
    "opensources": 'OpenSources JSON: {"domain": {"type": …, "2nd type": …, "3rd type": …}}',
    "opensources-csv": "OpenSources CSV: header ',type,2nd type,3rd type,Source Notes …', the domain first",
    "baly": "Baly et al. / MBFC TSV: header 'source_url, source_url_normalized, ref, fact, bias'",
    "plain": "CSV with a header naming 'domain' and 'rating' (and optionally 'note')",
}
_PREFIXES = frozenset({"www", "m", "amp"})
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
_OTHER_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_DOTS = str.maketrans({"。": ".", "．": ".", "｡": "."})
_RATING_SEPARATORS = re.compile(r"[;,|+]")
_OPENSOURCES_TAGS = ("type", "2nd type", "3rd type")


@dataclass(frozen=True, slots=True)
class SourceRating:
    """One list's rating of one site (or of one section of it, under `path`)."""

    domain: str
    level: str
    tags: tuple[str, ...] = ()
    list_name: str = ""
    #: A path prefix ("/humor") when the entry names a part of the site.
    path: str = ""
    #: True when the rating is for the part under `path` only (OpenSources "newyorker.com/humor"); False when the
    #: path is just the page the list cited for the whole site (Baly's "npr.org/sections/news").
    section: bool = False
    note: str | None = None
    #: Where the list explains the rating (the MBFC page for Baly entries).
    url: str | None = None
    #: The entry as the list wrote it ("WallStreetOnParade.com", "conservativeoutfitters.com-blogs-news").
    listed_as: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"level {self.level!r} is not one of {', '.join(LEVELS)}")

    @property
    def key(self) -> str:
        return self.domain + self.path


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry a reader could not use, where it was and why."""

    where: str
    reason: str


Record = SourceRating | Skipped


# -- domains -------------------------------------------------------------------------------------------------


def site_of(domain_or_url: str) -> tuple[str, str] | None:
    """(host, path) as ratings are keyed: lower case, no scheme, user, port, query or fragment, no leading
    www./m./amp., no trailing dot or slash, IDN as punycode. None when it is not a domain name or IP address."""
    text = domain_or_url.strip().translate(_DOTS)
    if not text or any(character.isspace() for character in text):
        return None
    if "://" not in text:
        if _OTHER_SCHEME.match(text):  # mailto:, javascript:, news: …
            return None
        text = "//" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    netloc = parts.netloc.rpartition("@")[2]
    if netloc.startswith("["):  # IPv6 literal
        host = netloc[1:].partition("]")[0].lower()
    else:
        host = netloc.partition(":")[0].rstrip(".").lower()
    path = parts.path.lower().rstrip("/")
    if _is_ip(host):
        return host, path
    labels = []
    for label in host.split("."):
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                return None
        if len(label) > 63 or not _LABEL.fullmatch(label):
            return None
        labels.append(label)
    while len(labels) > 2 and labels[0] in _PREFIXES:
        labels.pop(0)
    if len(labels) < 2:
        return None
    return ".".join(labels), path


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_chain(host: str) -> list[str]:
    """The host and its parent domains, most specific first, down to two labels (never a bare TLD)."""
    if _is_ip(host):
        return [host]
    labels = host.split(".")
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


# -- tags and levels -----------------------------------------------------------------------------------------


def normalise_tag(word: str) -> str:
    """A rating word as a canonical tag ("Fake News" → "fake"); unknown words lower-cased, spaces as "-"."""
    word = " ".join(word.lower().split())
    return TAG_SPELLINGS.get(word, word.replace(" ", "-"))


def level_of(tags: Iterable[str]) -> str | None:
    """The most severe level among the tags; None when no tag rates anything."""
    levels = [LEVEL_OF_TAG[tag] for tag in tags if tag in LEVEL_OF_TAG]
    return max(levels, key=LEVELS.index) if levels else None


def _tags(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalise_tag(word) for word in words if word and word.strip()))


def _rating(
    entry: str, tags: tuple[str, ...], where: str, *, section: bool, note: str | None = None, url: str | None = None
) -> Record:
    """A rating for a list entry, or why it cannot be one."""
    site = site_of(entry)
    if site is None:
        return Skipped(where, f"{entry!r} is not a domain name")
    level = level_of(tags)
    if level is None:
        shown = ", ".join(tags) or "nothing"
        return Skipped(where, f"no rating word for {entry!r} (found {shown}; expected one of {_vocabulary()})")
    host, path = site
    return SourceRating(
        domain=host,
        level=level,
        tags=tags,
        path=path,
        section=section and bool(path),
        note=note,
        url=url,
        listed_as=entry.strip(),
    )


def _vocabulary() -> str:
    return ", ".join(LEVEL_OF_TAG)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


# -- readers -------------------------------------------------------------------------------------------------


def read_ratings(path: str | Path, format: str | None = None, list_name: str | None = None) -> Iterator[Record]:
    """Ratings from a list file, its layout recognised from the content unless `format` names it.

    A missing, empty, binary or unrecognisable file (or one that is not in the `format` asked for) is an
    `InputError` at once, before any entry is read; a bad entry is a `Skipped` and the rest are still read.
    `list_name` defaults to the file's stem."""
    path = Path(path)
    if format is not None and format not in FORMATS:
        raise UnsupportedFormatError(f"unknown source list format {format!r}; known: {', '.join(FORMATS)}")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        text = decode(path.read_bytes()).lstrip("\ufeff")
    except InputError as error:
        raise type(error)(f"{path}: {error}") from None
    if format is None:
        format = next((name for name, fits in _FITS.items() if fits(text, path)), None)
        if format is None:
            raise UnsupportedFormatError(f"{path}: not a source list layout this reader knows ({_layouts()})")
    elif not _FITS[format](text, path):
        raise UnsupportedFormatError(f"{path}: not in the {format} layout ({FORMATS[format]})")
    name = list_name or path.stem
    records = _READERS[format](text, str(path))
    return (replace(record, list_name=name) if isinstance(record, SourceRating) else record for record in records)


def _layouts() -> str:
    return "; ".join(f"{name}: {description}" for name, description in FORMATS.items())


def _json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: invalid JSON ({error.msg} at line {error.lineno})") from None


def _fits_opensources(text: str, path: Path) -> bool:
    if not text.lstrip().startswith(("{", "[")):
        return False
    document = _json(text, path)
    return isinstance(document, dict) and any(
        isinstance(value, dict) and "type" in value for value in document.values()
    )


def _fits_baly(text: str, _: Path) -> bool:
    return {"source_url", "fact"} <= {field.strip().lower() for field in _header(text).split("\t")}


def _fits_plain(text: str, _: Path) -> bool:
    return _plain_delimiter(_header(text)) is not None


def _fits_opensources_csv(text: str, _: Path) -> bool:
    return tuple(_header_cells(text)[1:4]) == _OPENSOURCES_TAGS


#: Layout tests in the order the layouts are tried.
_FITS: dict[str, Callable[[str, Path], bool]] = {
    "opensources": _fits_opensources,
    "baly": _fits_baly,
    "plain": _fits_plain,
    "opensources-csv": _fits_opensources_csv,
}


def _header(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _header_cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell.strip().lower() for cell in next(csv.reader([_header(text)], delimiter=delimiter), [])]


def _plain_delimiter(header: str) -> str | None:
    for delimiter in (",", "\t", ";"):
        cells = {cell.strip().lower() for cell in next(csv.reader([header], delimiter=delimiter), [])}
        if {"domain", "rating"} <= cells:
            return delimiter
    return None


def _rows(text: str, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> tuple[Any, list[str]]:
    """A CSV reader past the header (the first non-blank row), and the header's cells in lower case."""
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting)
    header = next((row for row in rows if any(cell.strip() for cell in row)), [])
    return rows, [cell.strip().lower() for cell in header]


def _read_opensources(text: str, where: str) -> Iterator[Record]:
    for entry, value in json.loads(text).items():
        place = f"{where}: {entry!r}"
        if not isinstance(value, dict):
            yield Skipped(place, "not an object of tags")
            continue
        tags = _tags(value.get(key) if isinstance(value.get(key), str) else "" for key in _OPENSOURCES_TAGS)
        note = next((_clean(v) for k, v in value.items() if k.lower().startswith("source notes")), None)
        yield _rating(entry, tags, place, section=True, note=note)


def _read_opensources_csv(text: str, where: str) -> Iterator[Record]:
    rows, header = _rows(text)
    notes = next((number for number, cell in enumerate(header) if cell.startswith("source notes")), None)
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue  # the file's blank and trailing rows
        place = f"{where}:{rows.line_num}"
        if not row[0].strip():
            yield Skipped(place, "no domain in the first column")
            continue
        tags = _tags(row[1:4])
        note = _clean(row[notes]) if notes is not None and notes < len(row) else None
        yield _rating(row[0], tags, place, section=True, note=note)


def _read_baly(text: str, where: str) -> Iterator[Record]:
    rows, header = _rows(text, "\t", csv.QUOTE_NONE)
    column = {name: number for number, name in enumerate(header)}
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        place = f"{where}:{rows.line_num}"
        if len(row) != len(header):
            yield Skipped(place, f"{len(row)} columns, the header has {len(header)}")
            continue
        value = {name: row[number].strip() for name, number in column.items()}
        fact = normalise_tag(value["fact"])
        if LEVEL_OF_TAG.get(fact) not in {"reliable", "mixed", "unreliable"}:
            yield Skipped(place, f"factuality {value['fact']!r} is not high, mixed or low")
            continue
        bias = value.get("bias", "").lower()
        tags = (fact, f"bias:{bias}") if bias else (fact,)
        identifier = value.get("source_url_normalized") or None
        yield _baly_rating(value["source_url"] or identifier or "", identifier, tags, place, value.get("ref") or None)


def _baly_rating(url: str, identifier: str | None, tags: tuple[str, ...], where: str, ref: str | None) -> Record:
    """The site comes from `source_url`; its path is kept only when the list's id keeps it too (the EMNLP 2018
    ids of sub-sites, "itv.com-news"), and it then names the page the list used for the whole site."""
    site = site_of(url)
    record = _rating(url, tags, where, section=False, url=ref)
    if not isinstance(record, SourceRating) or site is None:
        return record
    host, path = site
    keeps_path = bool(path) and identifier is not None and identifier.lower() != host
    return replace(record, path=path if keeps_path else "", listed_as=identifier or record.listed_as)


def _read_plain(text: str, where: str) -> Iterator[Record]:
    rows, header = _rows(text, _plain_delimiter(_header(text)) or ",")
    domain, rating = header.index("domain"), header.index("rating")
    note = header.index("note") if "note" in header else None
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        place = f"{where}:{rows.line_num}"
        if len(row) <= max(domain, rating) or not row[domain].strip():
            yield Skipped(place, "no domain" if len(row) > domain else "too few columns")
            continue
        tags = _tags(_RATING_SEPARATORS.split(row[rating]))
        text_note = _clean(row[note]) if note is not None and note < len(row) else None
        yield _rating(row[domain], tags, place, section=True, note=text_note)


_READERS: dict[str, Callable[[str, str], Iterator[Record]]] = {
    "opensources": _read_opensources,
    "opensources-csv": _read_opensources_csv,
    "baly": _read_baly,
    "plain": _read_plain,
}
