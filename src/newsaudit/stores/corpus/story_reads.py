"""What `Corpus` answers about stories: an article's story, its members, the list of stories, the story an
unstored article would join, and the text reuse among a story's members (its copy families' edges).

A mixin over the corpus's `_db` (the backend) and `_stories` (`StoryTables`), so the store module stays about
articles and the reuse index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from newsaudit.disjoint import DisjointSets
from newsaudit.schema import Article
from newsaudit.stores.corpus.alignment import Passage, align
from newsaudit.stores.corpus.story_tables import Member, StoryRow, StoryTables

#: Members of one story compared for text reuse at most (the earliest stored first).
MAX_COMPARED = 300
#: Reuse covering this share of either text joins two members in one copy family (`stages.story.families`).
COPY_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class MemberReuse:
    """Text shared by two members of a story: `a` and `b` are their ids, `share_a` the fraction of a's words
    found in b (and the reverse), `passages` the aligned spans (`a` in a's text, `b` in b's)."""

    a: str
    b: str
    share_a: float
    share_b: float
    passages: tuple[Passage, ...]


class StoryReads:
    _db: object
    _stories: StoryTables

    def assign_stories(self, page: int = 1000) -> int:
        """Put stored articles that are in no story yet into stories, oldest first, one transaction per page;
        how many were placed."""
        placed = 0
        while True:
            with self._db.transaction():
                rows = self._stories.unassigned(page)
                self._stories.assign_batch(rows)
            placed += len(rows)
            if len(rows) < page:
                return placed

    def story_of(self, article_id: str) -> int | None:
        """The story of a stored article (None when it is not stored or not placed yet)."""
        return self._stories.story_of(article_id)

    def resolve_story(self, story: int) -> int | None:
        """The story an id names now (ids merged into another lead there), or None."""
        return self._stories.resolve(story)

    def nearest_story(self, article: Article) -> tuple[int | None, float]:
        """The story `article` would join if it were added (None: it would start its own), and the score."""
        return self._stories.nearest(article.title, article.text, article.published)

    def story_members(self, story: int) -> list[Member]:
        return self._stories.members(story)

    def stories(self, since: str | None = None) -> list[StoryRow]:
        return self._stories.listing(since)

    def stories_page(
        self, limit: int = 20, after: tuple[int, int] | None = None, since: str | None = None
    ) -> list[StoryRow]:
        """A page of stories, largest first, after `(size, id)` of the page before (see `StoryTables.page`)."""
        return self._stories.page(limit, after, since)

    def story_reuse(self, story: int, min_share: float = 0.1) -> list[MemberReuse]:
        """Verified text reuse between the members of a story: pairs sharing LSH keys are aligned, most shared
        keys first, and kept when the shared passages cover at least `min_share` of either text; a pair already
        in one copy family (through other copies) is not aligned."""
        members = self.story_members(story)[:MAX_COMPARED]
        if len(members) < 2:
            return []
        numbers = [member.n for member in members]
        # The same story is asked for again for each of its members audited: kept while its members are the same.
        cache = self.__dict__.setdefault("_story_reuse_cache", {})
        key = (story, min_share, tuple(numbers))
        if key in cache:
            return cache[key]
        if len(cache) >= 64:
            cache.pop(next(iter(cache)))
        cache[key] = found = self._align_members(numbers, min_share)
        return found

    def _align_members(self, numbers: list[int], min_share: float) -> list[MemberReuse]:
        rows = self._db.execute(
            "SELECT n, id, text, keys FROM articles WHERE " + self._db.member("n", numbers), self._db.values(numbers)
        ).fetchall()
        by_key: dict[int, list[int]] = {}
        texts: dict[int, tuple[str, str]] = {}
        for n, article_id, text, blob in rows:
            texts[n] = (article_id, text)
            for key in set(np.frombuffer(bytes(blob), dtype="<i8").tolist()):
                by_key.setdefault(key, []).append(n)
        shared: dict[tuple[int, int], int] = {}
        for group in by_key.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    pair = (a, b) if a < b else (b, a)
                    shared[pair] = shared.get(pair, 0) + 1
        # Most shared keys first; a pair already joined through copies of copies is not aligned again, so a
        # wire story reprinted a hundred times costs about a hundred alignments, not five thousand.
        joined = DisjointSets(texts)
        found = []
        for (a, b), _ in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
            if joined.find(a) == joined.find(b):
                continue
            alignment = align(texts[a][1], texts[b][1])
            if alignment.passages and max(alignment.share_a, alignment.share_b) >= min_share:
                found.append(
                    MemberReuse(texts[a][0], texts[b][0], alignment.share_a, alignment.share_b, alignment.passages)
                )
                if max(alignment.share_a, alignment.share_b) >= COPY_SHARE:
                    joined.union(a, b)
        return found
