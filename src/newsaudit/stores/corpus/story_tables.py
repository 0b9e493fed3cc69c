"""The story layer's tables in the corpus store (SQLite and PostgreSQL alike), and reading stories back.

- `story_df (key, df)` and the meta row `story_documents`: document frequencies of the story terms;
- `stories (id, size, first_day, last_day, centroid, embedding, index_keys, updated)`: one row per story, the
  centroid packed as int64 keys then float32 weights;
- `story_index (key, story)`: the heaviest terms of each centroid, where candidates come from;
- `story_members (article, story, seen)`: each article's story (by the article's number `n`) and when newsaudit
  first saw it (UTC, ISO 8601);
- `story_alias (old, story)`: ids merged away, so an id once shown keeps leading to its story.

`StoryTables` is the `StoryState` `newsaudit.stores.corpus.stories.assign` runs over; `Corpus.add` calls
`assign_batch` inside the transaction that writes the batch, so articles and their stories are committed
together or not at all.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from newsaudit.stores.corpus.stories import (
    Params,
    Story,
    StoryState,
    Terms,
    Vector,
    best_story,
    dated,
    place_batch,
    story_terms,
    vectorise,
    vectors_for,
)

SQLITE_TABLES = """
CREATE TABLE IF NOT EXISTS story_df (key INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY, size INTEGER NOT NULL, first_day INTEGER, last_day INTEGER,
    centroid BLOB NOT NULL, embedding BLOB, index_keys BLOB NOT NULL, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_index (key INTEGER NOT NULL, story INTEGER NOT NULL, PRIMARY KEY (key, story))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_members (article INTEGER PRIMARY KEY, story INTEGER NOT NULL, seen TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members (story);
CREATE INDEX IF NOT EXISTS stories_size ON stories (size, id);
CREATE TABLE IF NOT EXISTS story_alias (old INTEGER PRIMARY KEY, story INTEGER NOT NULL);
"""

POSTGRES_TABLES = """
CREATE TABLE IF NOT EXISTS story_df (key BIGINT PRIMARY KEY, df BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id BIGINT PRIMARY KEY, size BIGINT NOT NULL, first_day BIGINT, last_day BIGINT,
    centroid BYTEA NOT NULL, embedding BYTEA, index_keys BYTEA NOT NULL, updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_index (key BIGINT NOT NULL, story BIGINT NOT NULL, PRIMARY KEY (key, story));
CREATE TABLE IF NOT EXISTS story_members (article BIGINT PRIMARY KEY, story BIGINT NOT NULL, seen TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members (story);
CREATE INDEX IF NOT EXISTS stories_size ON stories (size, id);
CREATE TABLE IF NOT EXISTS story_alias (old BIGINT PRIMARY KEY, story BIGINT NOT NULL);
"""

_DOCUMENTS = "story_documents"


@dataclass(frozen=True, slots=True)
class Member:
    """An article of a story, as stored: `seen` is when newsaudit first stored it (UTC)."""

    id: str
    url: str | None
    domain: str | None
    site_name: str | None
    title: str | None
    published: str | None
    seen: str
    n: int


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One story as `Corpus.stories` lists it: id, size, and its members' ids earliest first."""

    id: int
    size: int
    first_published: str | None
    last_published: str | None
    members: tuple[str, ...]


def _pack(terms: Terms) -> bytes:
    return terms.keys.astype("<i8").tobytes() + terms.weights.astype("<f4").tobytes()


def _unpack(blob: bytes) -> Terms:
    n = len(blob) // 12
    keys = np.frombuffer(blob, dtype="<i8", count=n).astype(np.int64)
    return Terms(keys, np.frombuffer(blob, dtype="<f4", offset=8 * n).astype(np.float64))


class StoryTables(StoryState):
    """Stories in the corpus's database (a `Backend`)."""

    def __init__(self, db: Any, params: Params | None = None) -> None:
        self.db = db
        self.params = params or Params()
        self._keys: dict[int, list[int]] = {}

    # -- StoryState ----------------------------------------------------------------------------------------

    def frequencies(self, keys: Iterable[int]) -> tuple[dict[int, int], int]:
        keys = list(keys)
        df: dict[int, int] = {}
        for start in range(0, len(keys), 5000):
            part = keys[start : start + 5000]
            df.update(self.db.execute("SELECT key, df FROM story_df WHERE " + self.db.member("key", part),
                                      self.db.values(part)).fetchall())  # fmt: skip
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (_DOCUMENTS,)).fetchone()
        return df, int(row[0]) if row else 0

    def count(self, documents: Sequence[Iterable[int]]) -> None:
        counts: Counter[int] = Counter()
        for keys in documents:
            counts.update(set(keys))
        rows = sorted(counts.items())
        self.db.executemany(
            "INSERT INTO story_df (key, df) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET df = story_df.df + excluded.df",
            rows,
        )
        _, total = self.frequencies(())
        self.db.execute("DELETE FROM meta WHERE name = ?", (_DOCUMENTS,))
        self.db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (_DOCUMENTS, str(total + len(documents))))

    def candidates(self, keys: Sequence[int], weights: Mapping[int, float], limit: int, exclude: int = -1) -> list[int]:
        if not keys:
            return []
        # Summed in the database: a popular key's postings are thousands of rows at a million articles.
        keys = list(keys)
        scores = [float(weights.get(key, 0.0)) for key in keys]
        if self.db.dialect == "postgresql":
            query = "unnest(?::bigint[], ?::float8[]) AS q (key, w)"
            params: tuple = (keys, scores)
        else:
            query = (
                "(SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS w FROM json_each(?)) AS q"
            )
            params = (json.dumps([[key, score] for key, score in zip(keys, scores, strict=True)]),)
        rows = self.db.execute(
            f"SELECT i.story, sum(q.w) AS score FROM {query} JOIN story_index AS i ON i.key = q.key"
            " WHERE i.story <> ? GROUP BY i.story ORDER BY score DESC, i.story LIMIT ?",
            (*params, exclude, limit),
        ).fetchall()
        return [story for story, _ in rows]

    def load(self, ids: Sequence[int]) -> dict[int, Story]:
        if not ids:
            return {}
        stories = {}
        for sid, size, first, last, centroid, embedding, index_keys in self.db.execute(
            "SELECT id, size, first_day, last_day, centroid, embedding, index_keys FROM stories WHERE "
            + self.db.member("id", list(ids)),
            self.db.values(list(ids)),
        ):
            vector = None if embedding is None else np.frombuffer(bytes(embedding), dtype="<f4").astype(np.float64)
            stories[sid] = Story(sid, size, _unpack(bytes(centroid)), vector, first, last)
            self._keys[sid] = np.frombuffer(bytes(index_keys), dtype="<i8").tolist()
        return stories

    def save(self, story: Story, index_keys: Sequence[int]) -> None:
        old = self._keys.pop(story.id, None)
        if old is None:
            row = self.db.execute("SELECT index_keys FROM stories WHERE id = ?", (story.id,)).fetchone()
            old = [] if row is None else np.frombuffer(bytes(row[0]), dtype="<i8").tolist()
        gone, new = set(old) - set(index_keys), set(index_keys) - set(old)
        if gone:
            self.db.executemany("DELETE FROM story_index WHERE key = ? AND story = ?", [(k, story.id) for k in gone])
        if new:
            self.db.executemany(
                "INSERT INTO story_index (key, story) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(k, story.id) for k in sorted(new)],
            )
        embedding = None if story.embedding is None else self.db.blob(story.embedding.astype("<f4").tobytes())
        row = (
            story.size, story.first_day, story.last_day, self.db.blob(_pack(story.centroid)), embedding,
            self.db.blob(np.asarray(list(index_keys), dtype="<i8").tobytes()), _now(), story.id,
        )  # fmt: skip
        if self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story.id,)).fetchone():
            self.db.execute(
                "UPDATE stories SET size = ?, first_day = ?, last_day = ?, centroid = ?, embedding = ?,"
                " index_keys = ?, updated = ? WHERE id = ?",
                row,
            )
        else:
            self.db.execute(
                "INSERT INTO stories (size, first_day, last_day, centroid, embedding, index_keys, updated, id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def new_id(self) -> int:
        # The largest id ever used, merged ones included, plus one: an id is never given twice.
        row = self.db.execute(
            "SELECT max(m) FROM (SELECT max(id) AS m FROM stories UNION ALL SELECT max(old) FROM story_alias) AS ids"
        ).fetchone()
        return (row[0] or 0) + 1

    def absorb(self, keep: int, gone: int) -> None:
        keys = self._keys.pop(gone, None)
        if keys is None:
            row = self.db.execute("SELECT index_keys FROM stories WHERE id = ?", (gone,)).fetchone()
            keys = [] if row is None else np.frombuffer(bytes(row[0]), dtype="<i8").tolist()
        self.db.executemany("DELETE FROM story_index WHERE key = ? AND story = ?", [(k, gone) for k in keys])
        self.db.execute("DELETE FROM stories WHERE id = ?", (gone,))
        self.db.execute("UPDATE story_members SET story = ? WHERE story = ?", (keep, gone))
        self.db.execute("UPDATE story_alias SET story = ? WHERE story = ?", (keep, gone))
        self.db.execute("INSERT INTO story_alias (old, story) VALUES (?, ?)", (gone, keep))

    def place(self, member: int, story: int) -> None:
        self.db.execute(
            "INSERT INTO story_members (article, story, seen) VALUES (?, ?, ?)"
            " ON CONFLICT (article) DO UPDATE SET story = excluded.story",
            (member, story, _now()),
        )

    # -- the corpus's calls ------------------------------------------------------------------------------

    def assign_batch(self, rows: Sequence[tuple[int, str | None, str, str | None]], embedder=None) -> None:
        """Put new articles `(n, title, text, published)` in stories, in order (inside the caller's transaction)."""
        if not rows:
            return
        vectors = vectors_for(self, [(title, text) for _, title, text, _ in rows], self.params, embedder)
        place_batch(self, [n for n, *_ in rows], vectors, [dated(published) for *_, published in rows], self.params)
        self._keys.clear()

    def unassigned(self, limit: int = 1000) -> list[tuple[int, str | None, str, str | None]]:
        """Stored articles in no story yet (stored before the story layer, or with `stories=False`), oldest first."""
        return self.db.execute(
            "SELECT n, title, text, published FROM articles WHERE n NOT IN (SELECT article FROM story_members)"
            " ORDER BY n LIMIT ?",
            (limit,),
        ).fetchall()

    def resolve(self, story: int) -> int | None:
        """The story an id names now (following merges), or None when there is no such story."""
        if self.db.execute("SELECT 1 FROM stories WHERE id = ?", (story,)).fetchone():
            return story
        row = self.db.execute("SELECT story FROM story_alias WHERE old = ?", (story,)).fetchone()
        return None if row is None else row[0]

    def story_of(self, article_id: str) -> int | None:
        row = self.db.execute(
            "SELECT m.story FROM story_members AS m JOIN articles AS a ON a.n = m.article WHERE a.id = ?", (article_id,)
        ).fetchone()
        return None if row is None else row[0]

    def nearest(self, title: str | None, text: str, published: str | None) -> tuple[int | None, float]:
        """The story an unstored article would join (None if it would start one) and its score; reads only."""
        counts = story_terms(title, text, self.params.entity_weight)
        df, total = self.frequencies(counts)
        vector = Vector(vectorise(counts, df, total + 1, self.params.article_terms))
        article = Story(0, 1, vector.terms)
        day = dated(published)
        article.first_day = article.last_day = day
        best, score = best_story(self, article, day, self.params)
        self._keys.clear()
        return (best.id, score) if best is not None and score >= self.params.join else (None, score)

    def members(self, story: int) -> list[Member]:
        rows = self.db.execute(
            "SELECT a.id, a.url, a.domain, a.site_name, a.title, a.published, m.seen, a.n FROM story_members AS m"
            " JOIN articles AS a ON a.n = m.article WHERE m.story = ? ORDER BY a.n",
            (story,),
        ).fetchall()
        return [Member(*row) for row in rows]

    def listing(self, since: str | None = None) -> list[StoryRow]:
        """Every story (with a member seen or published on or after `since`, an ISO date, when given), largest
        first, each with all its members' ids, earliest published first."""
        from newsaudit.stores.corpus.matches import date_key

        members: dict[int, list[tuple]] = {}
        for story, article_id, published, seen in self.db.execute(
            "SELECT m.story, a.id, a.published, m.seen FROM story_members AS m JOIN articles AS a ON a.n = m.article"
        ):
            members.setdefault(story, []).append((date_key(published), article_id, published, seen))
        result = []
        for story, items in members.items():
            items.sort()
            if since and not any((p or s or "")[:10] >= since[:10] for _, _, p, s in items):
                continue
            dates = [p for _, _, p, _ in items if p]
            result.append(
                StoryRow(story, len(items), items[0][2], max(dates, key=date_key) if dates else None,
                         tuple(i for _, i, _, _ in items))
            )  # fmt: skip
        result.sort(key=lambda row: (-row.size, row.id))
        return result

    def page(self, limit: int, after: tuple[int, int] | None = None, since: str | None = None) -> list[StoryRow]:
        """One page of stories, largest first (then newest id): those after `(size, id)` of the previous page's
        last; `since` keeps stories last published on or after that date. Reads only the page's members."""
        conditions, params = ["1 = 1"], []
        if after is not None:
            conditions.append("(size < ? OR (size = ? AND id < ?))")
            params.extend((after[0], after[0], after[1]))
        if since is not None and (day := dated(since)) is not None:
            conditions.append("last_day >= ?")
            params.append(day)
        rows = self.db.execute(
            "SELECT id, size FROM stories WHERE " + " AND ".join(conditions) + " ORDER BY size DESC, id DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        from newsaudit.stores.corpus.matches import date_key

        result = []
        for story, size in rows:
            members = sorted(self.members(story), key=lambda member: (date_key(member.published), member.n))
            dates = [member.published for member in members if member.published]
            result.append(
                StoryRow(story, size, members[0].published if members else None,
                         max(dates, key=date_key) if dates else None, tuple(member.id for member in members))
            )  # fmt: skip
        return result


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
