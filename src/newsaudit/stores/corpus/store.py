"""A corpus of articles with a text-reuse index: which stored articles share passages with an article.

`Corpus` keeps articles (metadata and text) and the LSH keys of their chunks
(`newsaudit.stores.corpus.fingerprints.fingerprint`) in one SQLite file by default, or in PostgreSQL when given a
`postgresql://` URL (psycopg 3, the `postgres` extra); both backends (`newsaudit.stores.corpus.backends`) have the
same tables and the same behaviour:

- `articles`: one row per article id, with a surrogate integer `n` (what the index stores), the text, its
  SHA-1 (an unchanged article is not re-indexed), its word count and its keys (8 bytes each, so an article can
  be re-keyed or clustered without fingerprinting it again);
- `lsh (key, article)`: the index, keyed on `(key, article)` (a WITHOUT ROWID table in SQLite);
- `meta`: the fingerprint version the keys were made with (`reuse.FINGERPRINT_VERSION`); a store made with
  other parameters must be rebuilt, and opening it says so.

Lookup is two steps: `candidates` counts the keys an article shares with each stored one (any shared key is
a chunk pair that probably overlaps), then `find_reuse` verifies the candidates with `reuse.align` and keeps
the pairs whose aligned passages cover at least `min_share` of either text. `clusters` groups the verified
pairs of the whole store into reuse families (union-find), walking the store one article at a time.

Large loads: `add(..., workers=2)` fingerprints in worker processes while the main process writes, and
`add(..., bulk=True)` defers the index (see `Corpus.add`); together they index a million articles of ~600 words
in minutes on a two-core machine (`benchmarks/bench_reuse_scale.py`). `add(..., fingerprints=...)` takes keys
computed elsewhere (a batch's workers) instead of computing them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import nullcontext, suppress
from pathlib import Path

import numpy as np

from newsaudit.errors import CorpusError
from newsaudit.schema import Article, Span
from newsaudit.stores.base import AddResult, Store
from newsaudit.stores.corpus.alignment import Passage, aligner
from newsaudit.stores.corpus.audit_reads import AuditReads
from newsaudit.stores.corpus.audit_tables import AuditTables
from newsaudit.stores.corpus.backends import Backend, PostgresBackend, SQLiteBackend
from newsaudit.stores.corpus.families import ReuseFamilies
from newsaudit.stores.corpus.fingerprints import (
    FINGERPRINT_VERSION,
    computed_jobs,
    fingerprint_many,
    keys_of,
    text_sha1,
)
from newsaudit.stores.corpus.matches import ReuseMatch, earlier, preview
from newsaudit.stores.corpus.story_reads import StoryReads
from newsaudit.stores.corpus.story_tables import StoryTables

_PAGE = 1000
#: `add(bulk=True)`: the meta row naming the first article whose keys are not in `lsh` yet, and how many index
#: rows are sorted and written at a time when they are (16 bytes each in memory, plus the sort).
_PENDING = "lsh_pending_from"
_INDEX_ROWS = 100_000_000


class Corpus(AuditReads, StoryReads, ReuseFamilies, Store):
    """Articles and their text-reuse index, in SQLite (a path or ":memory:") or PostgreSQL (a URL).

    >>> with Corpus(":memory:") as corpus:
    ...     corpus.add([Article("a1", text="Some text.")]).added
    1
    """

    def __init__(self, url_or_path: str | Path = ":memory:") -> None:
        location = str(url_or_path)
        if location.startswith(("postgresql://", "postgres://")):
            self._db: Backend = PostgresBackend(location)
        else:
            self._db = SQLiteBackend(location)
        self.location = location
        self._stories = StoryTables(self._db)
        self._audits = AuditTables(self._db)
        self._audits_given: Mapping[str, dict] = {}
        self._check_version()
        if self._db.execute("SELECT value FROM meta WHERE name = ?", (_PENDING,)).fetchone() is not None:
            self._index_pending()  # a bulk add was interrupted: index what it committed

    # -- housekeeping ------------------------------------------------------------------------------------

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
        if row is None or (row[0] != FINGERPRINT_VERSION and len(self) == 0):
            with self._db.transaction():
                self._db.execute("DELETE FROM meta WHERE name = 'fingerprint'")
                self._db.execute("INSERT INTO meta (name, value) VALUES ('fingerprint', ?)", (FINGERPRINT_VERSION,))
        elif row[0] != FINGERPRINT_VERSION:
            raise CorpusError(
                f"{self.location} was indexed with fingerprint {row[0]}; this version of newsaudit makes "
                f"{FINGERPRINT_VERSION}: rebuild the corpus"
            )

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def get(self, article_id: str) -> Article | None:
        """The stored article (metadata and text; paragraphs and removed chrome are not stored)."""
        row = self._db.execute(
            "SELECT id, url, domain, site_name, title, published, text FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return Article(
            id=row[0], url=row[1], domain=row[2], site_name=row[3], title=row[4], published=row[5], text=row[6]
        )

    # -- adding --------------------------------------------------------------------------------------------

    def add(
        self, articles: Iterable[Article], batch_size: int = 500, *, workers: int = 0, bulk: bool = False,
        fingerprints: Mapping[str, tuple[np.ndarray, int]] | None = None, stories: bool = True,
        audits: Mapping[str, dict] | None = None,
    ) -> AddResult:  # fmt: skip
        """Store and index articles. Idempotent: an article stored with the same id and text is left alone
        (its metadata is updated if that changed); one with a new text replaces the old and its keys. Each
        batch is one transaction: an interrupted add keeps every batch committed before and no part of the
        batch it was in.

        `workers` > 0 fingerprints each batch in that many worker processes while the main process writes the
        batch before it (worth it from a few thousand articles; the processes start in about a second).

        `bulk=True` defers the index for a large load: each batch commits its articles (and their keys, kept
        in `articles.keys`) but not their `lsh` rows; at the end the rows of every article added are sorted
        and written in one transaction, which is much faster than keeping the index in order batch by batch
        once it outgrows memory. Until then the new articles are stored (`get`, `len`) but not found by
        `candidates`, `find_reuse` or `clusters`. A failed add (its iterator raised, an interrupt) indexes the
        batches it committed before the error goes on: the store is as it was or fully indexed. Only if that
        fails too is the rest left to the next `Corpus` opened on the store (or the next add). `fingerprints`
        maps a text's `text_sha1` to its keys and word count computed before (by `newsaudit batch`'s workers).
        New articles join their story in the transaction that writes them (`stories=False`: later, at the next
        add or `assign_stories`; a replaced text keeps its story). `audits` maps article ids to their audit
        JSON (`Audit.to_dict()`), stored with the article in its batch's transaction (`audit_of`, `search`); a
        stored audit whose article changes is dropped."""
        counts = {"added": 0, "replaced": 0, "updated": 0, "unchanged": 0}
        self._with_stories = stories
        self._audits_given = audits or {}
        if stories:
            self.assign_stories()
        if bulk:
            self._begin_bulk()
        else:
            self._index_pending()  # what an interrupted bulk add left
        try:
            self._add_batches(articles, batch_size, workers, counts, fingerprints or {})
        except BaseException:
            if bulk:
                with suppress(Exception):  # the first error is the one to report
                    self._index_pending()
            raise
        if bulk:
            self._index_pending()
        return AddResult(**counts)

    def _add_batches(self, articles, batch_size: int, workers: int, counts: dict[str, int], known: Mapping) -> None:
        pool = ProcessPoolExecutor(workers) if workers > 0 else nullcontext()
        with pool:
            pending: tuple[list[Article], dict[str, tuple[Future, int]]] | None = None
            try:
                for batch in _batches(articles, batch_size):
                    if workers <= 0 or known:
                        self._add_batch(batch, computed_jobs(batch, known), counts)
                        continue
                    # Fingerprint this batch in the workers while the previous one is written.
                    job = self._submit(pool, batch, workers)
                    if pending is not None:
                        previous, pending = pending, None
                        self._add_batch(*previous, counts)
                    pending = (batch, job)
            finally:
                # The last complete batch is written even when reading the next one failed.
                if pending is not None:
                    self._add_batch(*pending, counts)

    def _stored(self, batch: Sequence[Article]) -> dict[str, tuple[int, str, bytes, tuple]]:
        stored: dict[str, tuple[int, str, bytes, tuple]] = {}
        for start in range(0, len(batch), _PAGE):
            ids = [article.id for article in batch[start : start + _PAGE]]
            for n, article_id, sha1, keys, *meta in self._db.execute(
                "SELECT n, id, sha1, keys, url, domain, site_name, title, published FROM articles WHERE "
                + self._db.member("id", ids),
                self._db.values(ids),
            ):
                stored[article_id] = (n, sha1, bytes(keys), tuple(meta))
        return stored

    def _submit(
        self, pool: ProcessPoolExecutor, batch: Sequence[Article], workers: int
    ) -> dict[str, tuple[Future, int]]:
        """Fingerprint jobs for the texts of `batch` not stored as they are, by SHA-1. The store may change
        before the batch is written (the batch before it): `_add_batch` looks again and fingerprints itself
        what these jobs lack."""
        stored = self._stored(batch)
        texts: dict[str, str] = {}
        for article in batch:
            sha1 = text_sha1(article.text)
            old = stored.get(article.id)
            if old is None or old[1] != sha1:
                texts[sha1] = article.text
        items = list(texts.items())
        size = -(-len(items) // workers) if items else 1
        jobs: dict[str, tuple[Future, int]] = {}
        for start in range(0, len(items), size):
            part = items[start : start + size]
            future = pool.submit(fingerprint_many, [text for _, text in part])
            for index, (sha1, _) in enumerate(part):
                jobs[sha1] = (future, index)
        return jobs

    def _add_batch(self, batch: Sequence[Article], jobs: dict[str, tuple[Future, int]], counts: dict[str, int]) -> None:
        stored = self._stored(batch)
        work = []
        for article in batch:
            sha1 = text_sha1(article.text)
            meta = (article.url, article.domain, article.site_name, article.title, article.published)
            old = stored.get(article.id)
            if old is not None and old[1] == sha1:
                if old[3] == meta:
                    counts["unchanged"] += 1
                else:
                    work.append(("updated", article, sha1, old, None, 0))
                continue
            # Fingerprints are computed before the transaction opens, so it stays short.
            if sha1 in jobs:
                future, index = jobs[sha1]
                keys, n_words = future.result()[index]
            else:
                keys, n_words = keys_of(article.text)
            work.append(("replaced" if old else "added", article, sha1, old, keys, n_words))
        audits = self._audits_given
        if not work and not any(article.id in audits for article in batch):
            return
        rows: list[tuple[int, int]] = []
        new: list[tuple] = []
        with self._db.transaction():
            pending_from = self._pending_from()  # read under the write lock: another process may index meanwhile
            for kind, article, sha1, old, keys, n_words in work:
                meta = (article.url, article.domain, article.site_name, article.title, article.published)
                if old is not None:
                    self._audits.forget(old[0])  # its stored audit (and search entry) describe the old article
                if kind == "updated":
                    self._db.execute(
                        "UPDATE articles SET url = ?, domain = ?, site_name = ?, title = ?, published = ? WHERE n = ?",
                        (*meta, old[0]),
                    )
                    counts["updated"] += 1
                    continue
                blob = self._db.blob(keys.astype("<i8").tobytes())
                if old is None:
                    new.append(((article.id, *meta, article.text, sha1, n_words, blob), keys))
                else:
                    n = old[0]
                    self._db.delete_keys(n, np.frombuffer(old[2], dtype="<i8").tolist())
                    self._db.execute(
                        "UPDATE articles SET url = ?, domain = ?, site_name = ?, title = ?, published = ?, text = ?,"
                        " sha1 = ?, n_words = ?, keys = ? WHERE n = ?",
                        (*meta, article.text, sha1, n_words, blob, n),
                    )
                    if pending_from is None or n < pending_from:
                        # An article indexed before a bulk load began: its new keys cannot wait for the load.
                        rows.extend((key, n) for key in keys.tolist())
                    counts["replaced"] += 1
            if new:
                numbers = self._db.insert_articles([row for row, _ in new])
                counts["added"] += len(new)
                if pending_from is None:
                    for n, (_, keys) in zip(numbers, new, strict=True):
                        rows.extend((key, n) for key in keys.tolist())
            rows.sort()  # in index order: each page of the index is touched once per batch
            self._db.insert_keys(rows)
            if new and getattr(self, "_with_stories", True):
                self._stories.assign_batch([(n, r[4], r[6], r[5]) for n, (r, _) in zip(numbers, new, strict=True)])
            if audits:
                self._put_audits(batch, audits)

    def _put_audits(self, batch: Sequence[Article], audits: Mapping[str, dict]) -> None:
        ids = [article.id for article in batch if article.id in audits]
        for n, article_id, title, text in self._db.execute(
            "SELECT n, id, title, text FROM articles WHERE " + self._db.member("id", ids), self._db.values(ids)
        ).fetchall():
            self._audits.put(n, audits[article_id], title, text)

    # -- bulk loads -----------------------------------------------------------------------------------------

    def _pending_from(self) -> int | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (_PENDING,)).fetchone()
        return None if row is None else int(row[0])

    def _begin_bulk(self) -> None:
        """Mark the articles added from now on as not indexed yet (kept if an earlier bulk load left some)."""
        with self._db.transaction():
            if self._pending_from() is None:
                last = self._db.execute("SELECT coalesce(max(n), 0) FROM articles").fetchone()[0]
                self._db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (_PENDING, str(last + 1)))

    def _index_pending(self) -> None:
        """Write the `lsh` rows of the articles a bulk load added (from their stored keys), sorted, in one
        transaction with the removal of the mark."""
        pending_from = self._pending_from()
        if pending_from is None:
            return
        with self._db.transaction():
            keys_parts: list[np.ndarray] = []
            numbers_parts: list[np.ndarray] = []
            count, last = 0, pending_from - 1
            while True:
                page = self._db.execute(
                    "SELECT n, keys FROM articles WHERE n > ? ORDER BY n LIMIT ?", (last, 10 * _PAGE)
                ).fetchall()
                for n, blob in page:
                    keys = np.frombuffer(bytes(blob), dtype="<i8")
                    keys_parts.append(keys)
                    numbers_parts.append(np.full(len(keys), n, dtype=np.int64))
                    count += len(keys)
                    last = n
                if keys_parts and (count >= _INDEX_ROWS or not page):
                    self._db.insert_sorted(np.concatenate(keys_parts), np.concatenate(numbers_parts))
                    keys_parts, numbers_parts, count = [], [], 0
                if not page:
                    break
            self._db.execute("DELETE FROM meta WHERE name = ?", (_PENDING,))
        self._db.checkpoint()

    # -- looking up ---------------------------------------------------------------------------------------

    def candidates(self, text: str, exclude_id: str | None = None, limit: int = 50) -> list[tuple[str, int]]:
        """Stored articles sharing LSH keys with `text`, `(article id, shared keys)`, the most specific first
        (rare keys weigh more than common ones: see `_candidates`)."""
        keys = keys_of(text)[0].tolist()
        exclude = -1
        if exclude_id is not None:
            row = self._db.execute("SELECT n FROM articles WHERE id = ?", (exclude_id,)).fetchone()
            exclude = row[0] if row else -1
        found = self._candidates(keys, limit, exclude=exclude)
        if not found:
            return []
        ids = dict(
            self._db.execute(
                "SELECT n, id FROM articles WHERE " + self._db.member("n", [n for n, _ in found]),
                self._db.values([n for n, _ in found]),
            ).fetchall()
        )
        return [(ids[n], shared) for n, shared in found if n in ids]

    def _candidates(
        self, keys: Sequence[int], limit: int, *, exclude: int = -1, above: int = -1
    ) -> list[tuple[int, int]]:
        """`(n, shared keys)` of the articles sharing keys, other than `exclude` and numbered above `above`, the
        most specific first: by the sum over shared keys of 1 / (stored articles holding the key)."""
        if not keys:
            return []
        # Each shared key weighs 1 / (articles holding it): a chunk found in a few articles says more than one
        # found in hundreds (a stock sentence), so the few that matter are not crowded out of `limit`.
        rows = self._db.execute(
            "SELECT article, count(*) AS shared FROM (SELECT article, 1.0 / count(*) OVER (PARTITION BY key) AS"
            " weight FROM lsh WHERE "
            + self._db.member("key", keys)
            + ") AS found WHERE article != ? AND article > ? GROUP BY article"
            " ORDER BY sum(weight) DESC, shared DESC, article LIMIT ?",
            (*self._db.values(keys), exclude, above, limit),
        ).fetchall()
        return [(n, shared) for n, shared in rows]

    def find_reuse(self, article: Article, min_share: float = 0.05, limit: int = 20) -> list[ReuseMatch]:
        """Stored articles that share passages with `article` covering at least `min_share` of either text,
        verified by alignment; most of this article found first."""
        found = self.candidates(article.text, exclude_id=article.id, limit=max(50, 2 * limit))
        if not found:
            return []
        ids = [article_id for article_id, _ in found]
        rows = self._db.execute(
            "SELECT id, url, domain, title, published, text FROM articles WHERE " + self._db.member("id", ids),
            self._db.values(ids),
        ).fetchall()
        align = aligner(article.text)  # this article's words and shingles, once for all candidates
        found_overlaps = []
        for row in rows:
            overlap = align.overlap(row[5])
            if overlap.merged and max(overlap.share_a, overlap.share_b) >= min_share:
                found_overlaps.append((row, overlap))
        # Most of this article first; the passages' char spans only for the matches kept.
        found_overlaps.sort(key=lambda item: (-item[1].share_a, -item[1].share_b, item[0][0]))
        matches = []
        for (other_id, url, domain, title, published, text), overlap in found_overlaps[:limit]:
            alignment = align.alignment(text, overlap)
            passages = tuple(
                Passage(passage.a, Span(passage.b.start, passage.b.end, preview(passage.b.text)))
                for passage in alignment.passages
            )
            matches.append(
                ReuseMatch(
                    id=other_id,
                    url=url,
                    domain=domain,
                    title=title,
                    published=published,
                    share_this=alignment.share_a,
                    share_other=alignment.share_b,
                    passages=passages,
                    earlier=earlier(article.published, published),
                )
            )
        return matches


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Batches of up to `size` articles; an id repeated within a batch: the last one wins."""
    batch: dict[str, Article] = {}
    for article in articles:
        batch[article.id] = article
        if len(batch) >= size:
            yield list(batch.values())
            batch = {}
    if batch:
        yield list(batch.values())
