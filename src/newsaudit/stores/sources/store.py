"""The source-reputation store: site ratings from the loaded lists, and look-ups by domain or URL.

The store is one SQLite file (`SourceStore`), loaded with the records of `newsaudit.stores.sources.lists`.
Adding a list replaces that list's previous version in one transaction, so adding the same file twice changes
nothing and an updated list drops the sites it dropped.
`SourceStore.lookup` takes a domain or a URL. Each list contributes its most specific entry for the site (the
host itself before its parent domains, a section path before the whole host); the combined **level** is the
most severe among the lists, and every list's rating is kept. An unlisted site is ``None`` (unknown), never
reliable: these lists are mostly lists of unreliable sites and leave mainstream outlets out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from newsaudit.errors import InputError, SourceStoreError
from newsaudit.stores.base import AddResult, SQLiteStore
from newsaudit.stores.sources.lists import LEVELS, Record, Skipped, SourceRating, host_chain, read_ratings, site_of


@dataclass(frozen=True, slots=True)
class Reputation:
    """What the loaded lists say about a site: the combined level and each list's rating."""

    level: str
    ratings: tuple[SourceRating, ...]
    #: The most specific entry that matched ("example.com", "example.com/humor").
    matched: str

    @property
    def agreed(self) -> bool:
        """Whether every list gives the same level (a disagreement is worth showing)."""
        return len({rating.level for rating in self.ratings}) == 1


_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    host TEXT NOT NULL,
    path TEXT NOT NULL,
    list_name TEXT NOT NULL,
    level TEXT NOT NULL,
    tags TEXT NOT NULL,
    section INTEGER NOT NULL,
    note TEXT,
    url TEXT,
    listed_as TEXT,
    PRIMARY KEY (host, path, list_name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ratings_list ON ratings (list_name);
CREATE TABLE IF NOT EXISTS lists (name TEXT PRIMARY KEY, origin TEXT, entries INTEGER NOT NULL) WITHOUT ROWID;
"""
_COLUMNS = "host, path, list_name, level, tags, section, note, url, listed_as"


def _row(rating: SourceRating) -> tuple:
    return (
        rating.domain,
        rating.path,
        rating.list_name,
        rating.level,
        json.dumps(rating.tags),
        int(rating.section),
        rating.note,
        rating.url,
        rating.listed_as,
    )


def _from_row(row: tuple) -> SourceRating:
    host, path, list_name, level, tags, section, note, url, listed_as = row
    return SourceRating(host, level, tuple(json.loads(tags)), list_name, path, bool(section), note, url, listed_as)


def _merge(first: SourceRating, second: SourceRating) -> SourceRating:
    """One entry from two that a list gives for the same site: tags united, so the level is the most severe."""
    tags = tuple(dict.fromkeys(first.tags + second.tags))
    notes = [note for note in dict.fromkeys((first.note, second.note)) if note]
    return replace(
        first,
        tags=tags,
        level=max(first.level, second.level, key=LEVELS.index),
        note="; ".join(notes) or None,
        section=first.section and second.section,
    )


class SourceStore(SQLiteStore):
    """Site ratings from any number of lists in one SQLite file (":memory:" for a throwaway store).

    >>> store = SourceStore(":memory:")
    >>> store.add([SourceRating("example-news.test", "unreliable", ("fake",))], "my-list").added
    1
    >>> store.lookup("https://www.example-news.test/2024/story.html").level
    'unreliable'
    """

    error = SourceStoreError
    noun = "source store"
    schema = _SCHEMA
    probe = "SELECT 1 FROM ratings LIMIT 1"

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM ratings").fetchone()[0]

    def lists(self) -> dict[str, int]:
        """Each loaded list and its number of entries."""
        return dict(self.db.execute("SELECT name, entries FROM lists ORDER BY name"))

    def add(self, ratings: Iterable[Record], list_name: str, *, origin: str | None = None) -> AddResult:
        """Load a list under `list_name`, replacing that list's previous version (so adding the same list again
        changes nothing). One transaction: an interrupted add leaves the previous version whole. A list with
        no usable entry is an `InputError`, so a broken file cannot empty a loaded list."""
        name = " ".join(list_name.split())
        if not name:
            raise InputError("a source list needs a name")
        entries: dict[tuple[str, str], SourceRating] = {}
        skipped: list[Skipped] = []
        merged = 0
        for record in ratings:
            if isinstance(record, Skipped):
                skipped.append(record)
                continue
            record = replace(record, list_name=name)
            key = (record.domain, record.path)
            if key in entries:
                entries[key] = _merge(entries[key], record)
                merged += 1
            else:
                entries[key] = record
        if not entries:
            raise InputError(f"no usable entry for the source list {name!r} ({len(skipped)} skipped)")
        rows = {key: _row(rating) for key, rating in entries.items()}
        try:
            with self.transaction():
                stored = {
                    (row[0], row[1]): row
                    for row in self.db.execute(f"SELECT {_COLUMNS} FROM ratings WHERE list_name = ?", (name,))
                }
                gone = [key for key in stored if key not in rows]
                fresh = [row for key, row in rows.items() if stored.get(key) != row]
                self.db.executemany(
                    "DELETE FROM ratings WHERE host = ? AND path = ? AND list_name = ?",
                    [(*key, name) for key in gone],
                )
                self.db.executemany(f"INSERT OR REPLACE INTO ratings ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)", fresh)
                self.db.execute(
                    "INSERT OR REPLACE INTO lists (name, origin, entries) VALUES (?, ?, ?)", (name, origin, len(rows))
                )
        except sqlite3.DatabaseError as error:
            raise SourceStoreError(f"cannot add to the source store {self.path}: {error}") from error
        return AddResult(
            added=len(fresh), unchanged=len(rows) - len(fresh), removed=len(gone), merged=merged, skipped=tuple(skipped)
        )

    def origin(self, list_name: str) -> str | None:
        """The file a list was loaded from, if known."""
        row = self.db.execute("SELECT origin FROM lists WHERE name = ?", (list_name,)).fetchone()
        return row[0] if row else None

    def lookup(self, domain_or_url: str) -> Reputation | None:
        """What the lists say about a site (a domain or any URL on it); None when no list rates it.

        Per list, the most specific entry wins: the host before its parent domains (news.example.com before
        example.com, never the other way round); on the host itself, a section whose path the URL is under,
        then the whole-host entry, then an entry whose path only names the page the list used for the site."""
        site = site_of(domain_or_url)
        if site is None:
            return None
        host, path = site
        chain = host_chain(host)
        marks = ",".join("?" * len(chain))
        by_list: dict[str, list[SourceRating]] = {}
        for row in self.db.execute(f"SELECT {_COLUMNS} FROM ratings WHERE host IN ({marks})", chain):
            by_list.setdefault(row[2], []).append(_from_row(row))
        chosen = [best for name in sorted(by_list) if (best := _most_specific(by_list[name], chain, path)) is not None]
        if not chosen:
            return None
        closest = min(chosen, key=lambda rating: (chain.index(rating.domain), -len(rating.path)))
        level = max((rating.level for rating in chosen), key=LEVELS.index)
        return Reputation(level=level, ratings=tuple(chosen), matched=closest.key)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _most_specific(entries: list[SourceRating], chain: list[str], path: str) -> SourceRating | None:
    for depth, host in enumerate(chain):
        here = [entry for entry in entries if entry.domain == host]
        if depth == 0:
            sections = [entry for entry in here if entry.path and _under(path, entry.path)]
            if sections:
                return max(sections, key=lambda entry: len(entry.path))
        whole = [entry for entry in here if not entry.path]
        if whole:
            return whole[0]
        cited = sorted(
            (entry for entry in here if entry.path and not entry.section), key=lambda e: (len(e.path), e.path)
        )
        if cited:
            return cited[0]
    return None


# -- for the CLI and the pipeline ----------------------------------------------------------------------------


def add_sources(
    list_path: str | Path, store_path: str | Path, *, format: str | None = None, list_name: str | None = None
) -> AddResult:
    """Load a list file into the store at `store_path` (created if needed) under `list_name` (default: the
    file's stem). Without an explicit name, a different file whose stem is already a list name is refused
    rather than silently replacing that list (both Baly corpora are called corpus.tsv)."""
    list_path = Path(list_path)
    name = list_name or list_path.stem
    records = read_ratings(list_path, format=format, list_name=name)
    origin = str(list_path.resolve())
    with SourceStore(store_path) as store:
        known = store.origin(name)
        if list_name is None and known is not None and known != origin:
            raise InputError(f"the store already has a list named {name!r} (from {known}); give this one another name")
        return store.add(records, name, origin=origin)
