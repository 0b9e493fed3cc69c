"""The corpus-wide phase of `newsaudit batch --corpus DB`: signatures, then the index, then look-ups.

Like a deduplication pipeline's passes, each step reads what the one before wrote and is resumable on its own:

1. **Signatures**, in the per-article phase: the articles are audited without the corpus, and each worker
   fingerprints the texts it audited (`signatures/part-NNNNN.parquet`: id, text SHA-1, word count, MinHash
   keys). This is the only time a text is fingerprinted.
2. **Index**, in this process: each finished shard's articles (their text from the stored audit) go into the
   corpus store with those keys (`Corpus.add(fingerprints=...)`), shard by shard; the manifest lists the
   shards indexed. An add is idempotent, so a shard interrupted mid-add is added again on the rerun.
3. **Look-ups**, on the workers, once every shard is indexed: each article is looked up in the whole index
   (the batch's articles and what the store held before) and its reuse findings and copying signals are
   written as `reuse/part-NNNNN.parquet`, a new part file set beside the audits (which are never edited).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsaudit.batch.output import AUDITS, Manifest, part_path
from newsaudit.batch.rows import arrow_schema
from newsaudit.schema import Article, Audit, Source, plain

SIGNATURES, REUSE = "signatures", "reuse"
#: One row per audited text: what the index needs, so that it never fingerprints a text again.
SIGNATURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("sha1", "string"),
    ("n_words", "int32"),
    ("keys", "binary"),  # little-endian int64 LSH keys
)
#: One row per article of the audits table: its reuse across the corpus.
REUSE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("reused_with", "int32"),  # corpus articles sharing at least 10% of either text
    ("copied_share", "float64"),  # largest share of this article found in an earlier or undated one
    ("copied_from", "list<string>"),  # their domains, largest share first
    ("signals", "list<string>"),  # uncredited_copying, mostly_copied_with_credit
    ("reuse_json", "large_string"),  # {"reuse": [...], "signals": [...]} as in the audit JSON
)
_ARTICLE_FIELDS = ("id", "url", "domain", "site_name", "title", "published", "text")


def signature_row(audit: Audit) -> dict[str, Any] | None:
    """The signatures row of one audit (None when it audited no text)."""

    from newsaudit.stores.corpus.fingerprints import keys_of, text_sha1

    text = audit.article.text
    if not text or audit.failed:
        return None
    keys, n_words = keys_of(text)
    return {"id": audit.article.id, "sha1": text_sha1(text), "n_words": n_words, "keys": keys.astype("<i8").tobytes()}


def signatures_table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=arrow_schema(SIGNATURE_COLUMNS))


def index_shards(manifest: Manifest, names: list[str], location: str, format: str) -> int:
    """Add the articles of the shards `names` not indexed yet to the corpus at `location`; articles added."""
    from newsaudit.stores.corpus import Corpus

    added = 0
    todo = [name for name in names if name not in manifest.phases["indexed"]]
    if not todo:
        return 0
    with Corpus(location) as corpus:
        for name in todo:
            articles, known = _indexable(manifest.folder, name, format)
            result = corpus.add(articles, fingerprints=known)
            added += result.added + result.replaced
            manifest.mark("indexed", name, {"articles": len(articles), "added": result.added})
    return added


def _indexable(folder: Path, name: str, format: str) -> tuple[list[Article], dict[str, tuple[Any, int]]]:
    import numpy as np
    import pyarrow.parquet as pq

    path = part_path(folder, SIGNATURES, name, format)
    if not path.exists():  # every record of the shard was lost (worker_lost): nothing was audited to index
        return [], {}
    signatures = pq.read_table(path).to_pylist()
    known = {row["sha1"]: (np.frombuffer(row["keys"], dtype="<i8"), row["n_words"]) for row in signatures}
    ids = {row["id"] for row in signatures}
    articles = [_article(data) for data in stored_audits(folder, name, format) if data["article"]["id"] in ids]
    return articles, known


def stored_audits(folder: Path, name: str, format: str) -> list[dict[str, Any]]:
    """The audits (JSON) of one shard's part file, in order."""
    path = part_path(folder, AUDITS, name, format)
    if format == "parquet":
        import pyarrow.parquet as pq

        return [json.loads(value) for value in pq.read_table(path, columns=["audit_json"]).column(0).to_pylist()]
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _article(data: dict[str, Any]) -> Article:
    article = data["article"]
    return Article(**{key: article.get(key) for key in _ARTICLE_FIELDS if article.get(key) is not None})


_CORPORA: dict[str, Any] = {}


def reuse_shard(name: str, folder: str, location: str, format: str) -> Any:
    """(On a worker.) The reuse rows of one shard's articles, looked up in the whole corpus index."""
    import pyarrow as pa

    from newsaudit.stages.reuse import copying_signals, find_reuse_credited_by
    from newsaudit.stores.corpus import Corpus

    if location not in _CORPORA:
        _CORPORA.clear()
        _CORPORA[location] = Corpus(location)
    corpus = _CORPORA[location]
    rows = []
    for data in stored_audits(Path(folder), name, format):
        article = _article(data)
        sources = [Source(**a["source"]) for a in data.get("attributions") or () if a.get("source")]
        reuse = find_reuse_credited_by(article, sources, corpus) if article.text else ()
        signals = copying_signals(reuse)
        copied = sorted((r for r in reuse if r.earlier != "this"), key=lambda r: -r.share_this)
        rows.append(
            {
                "id": article.id,
                "reused_with": len(reuse),
                "copied_share": copied[0].share_this if copied else 0.0,
                "copied_from": [r.domain or r.id for r in copied],
                "signals": [signal.name for signal in signals],
                "reuse_json": json.dumps({"reuse": plain(reuse), "signals": plain(signals)}, ensure_ascii=False),
            }
        )
    return pa.Table.from_pylist(rows, schema=arrow_schema(REUSE_COLUMNS))
