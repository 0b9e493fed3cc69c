"""Reuse families over a whole corpus: articles joined (transitively) by verified shared passages.

A mixin of `Corpus` (it uses the corpus's backend `_db` and its key look-up `_candidates`), kept apart so the
store module stays about adding and looking up.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsaudit.disjoint import DisjointSets
from newsaudit.stores.corpus.alignment import align
from newsaudit.stores.corpus.matches import Cluster, date_key

_PAGE = 1000


class ReuseFamilies:
    def clusters(self, min_share: float = 0.25, candidates: int = 200) -> list[Cluster]:
        """Reuse families: articles joined (transitively) by verified pairs whose shared passages cover at
        least `min_share` of either article. Walks the store one page of articles at a time; each article is
        compared with the candidates numbered after it (so each pair once), skipping pairs already joined.
        Largest families first."""
        sets: DisjointSets[int] = DisjointSets()
        find = sets.find
        last = -1
        while True:
            page = self._db.execute(
                "SELECT n, text, keys FROM articles WHERE n > ? ORDER BY n LIMIT ?", (last, _PAGE)
            ).fetchall()
            if not page:
                break
            for n, text, blob in page:
                last = n
                keys = np.frombuffer(bytes(blob), dtype="<i8").tolist()
                found = [m for m, _ in self._candidates(keys, candidates, above=n) if find(m) != find(n)]
                if not found:
                    continue
                for m, other_text in self._db.execute(
                    "SELECT n, text FROM articles WHERE " + self._db.member("n", found), self._db.values(found)
                ):
                    if find(m) == find(n):
                        continue
                    alignment = align(text, other_text)
                    if max(alignment.share_a, alignment.share_b) >= min_share:
                        sets.union(m, n)
        members = [sorted(group) for group in sets.groups().values()]
        info = self._describe([n for group in members for n in group])
        result = []
        for group in members:
            ordered = sorted((info[n] for n in group), key=lambda item: (date_key(item[1]), item[0]))
            ids = tuple(article_id for article_id, _ in ordered)
            result.append(Cluster(ids, ids[0]))
        result.sort(key=lambda cluster: (-len(cluster.members), cluster.earliest))
        return result

    def _describe(self, ns: Sequence[int]) -> dict[int, tuple[str, str | None]]:
        info: dict[int, tuple[str, str | None]] = {}
        for start in range(0, len(ns), _PAGE):
            chunk = list(ns[start : start + _PAGE])
            for n, article_id, published in self._db.execute(
                "SELECT n, id, published FROM articles WHERE " + self._db.member("n", chunk), self._db.values(chunk)
            ):
                info[n] = (article_id, published)
        return info
