"""Stories in dictionaries (`MemoryStories`) and `cluster`, one call that groups texts into stories: the
evaluation and the tests run the story algorithm of `newsaudit.stores.corpus.stories` this way, without a store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from newsaudit.stores.corpus.stories import Params, Story, StoryState, place_batch, vectors_for


@dataclass
class MemoryStories(StoryState):
    """Stories in dictionaries: for evaluation and tests (the corpus keeps them in its tables)."""

    df: Counter[int] = field(default_factory=Counter)
    documents: int = 0
    stories: dict[int, Story] = field(default_factory=dict)
    index: dict[int, set[int]] = field(default_factory=dict)
    keys_of: dict[int, list[int]] = field(default_factory=dict)
    story_of: dict[int, int] = field(default_factory=dict)
    alias: dict[int, int] = field(default_factory=dict)
    last_id: int = 0

    def frequencies(self, keys: Iterable[int]) -> tuple[dict[int, int], int]:
        return {key: self.df[key] for key in keys if key in self.df}, self.documents

    def count(self, documents: Sequence[Iterable[int]]) -> None:
        for keys in documents:
            self.df.update(set(keys))
        self.documents += len(documents)

    def candidates(self, keys: Sequence[int], weights: Mapping[int, float], limit: int, exclude: int = -1) -> list[int]:
        found: Counter[int] = Counter()
        for key in keys:
            for story in self.index.get(key, ()):
                if story != exclude:
                    found[story] += weights.get(key, 0.0)
        return [story for story, _ in sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]]

    def load(self, ids: Sequence[int]) -> dict[int, Story]:
        return {i: replace(self.stories[i]) for i in ids if i in self.stories}

    def save(self, story: Story, index_keys: Sequence[int]) -> None:
        for key in self.keys_of.get(story.id, ()):
            self.index[key].discard(story.id)
        self.stories[story.id] = story
        self.keys_of[story.id] = list(index_keys)
        for key in index_keys:
            self.index.setdefault(key, set()).add(story.id)

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def absorb(self, keep: int, gone: int) -> None:
        for key in self.keys_of.pop(gone, ()):
            self.index[key].discard(gone)
        self.stories.pop(gone, None)
        self.alias[gone] = keep
        for member, story in self.story_of.items():
            if story == gone:
                self.story_of[member] = keep

    def place(self, member: int, story: int) -> None:
        self.story_of[member] = story


def cluster(
    documents: Sequence[tuple[str | None, str]], params: Params | None = None, *, days=None, embedder=None
) -> list[int]:
    """Story ids of `documents` ((title, text) pairs) clustered in one pass, in order, as one batch."""
    params = params or Params()
    state = MemoryStories()
    vectors = vectors_for(state, documents, params, embedder)
    place_batch(state, list(range(len(documents))), vectors, days or [None] * len(documents), params)
    return [state.story_of[index] for index in range(len(documents))]
