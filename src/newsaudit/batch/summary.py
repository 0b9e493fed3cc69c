"""What a finished (or half-finished) batch folder holds, in figures a person can read: `summarise(DIR)`.

It reads the part files the manifest lists, one at a time and only the small columns (never `audit_json`),
so a summary of millions of rows needs the memory of one part file's columns. The result is plain JSON
(`newsaudit summary DIR --format json`), which the terminal tables and `DIR/summary.html` are drawn from.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from newsaudit.batch.output import AUDITS, ERRORS, MANIFEST
from newsaudit.batch.rows import AUDIT_COLUMNS, ERROR_COLUMNS, arrow_schema

#: Columns the summary reads from the audits part files.
_COLUMNS = ("id", "url", "domain", "title", "language", "credibility_score", "credibility_label", "top_signals")
#: Credibility histogram buckets: [0, 10), [10, 20), …, [90, 100].
_BUCKETS = 10
#: A site is ranked by its mean score only with at least this many assessed articles.
MIN_SITE_ARTICLES = 3


def summarise(folder: str | Path, *, top: int = 15, lowest: int = 20) -> dict[str, Any]:
    """The figures of the batch folder `folder` (see the module docstring)."""
    root = Path(folder)
    manifest = _manifest(root)
    done = manifest.get("done", {})
    articles = assessed = 0
    labels: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    histogram = [0] * _BUCKETS
    sites: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # articles, assessed, sum of scores
    worst: list[tuple[float, str, dict[str, Any]]] = []
    errors: Counter[str] = Counter()
    for name in sorted(done):
        table = _read(root / AUDITS, name, done[name], _COLUMNS)
        for row in table.to_pylist() if table is not None else ():
            articles += 1
            domain = row["domain"] or "(no domain)"
            site = sites[domain]
            site[0] += 1
            languages[row["language"] or "unknown"] += 1
            labels[row["credibility_label"] or "not assessed"] += 1
            signals.update(row["top_signals"] or ())
            score = row["credibility_score"]
            if score is None or row["credibility_label"] == "not_assessed":  # (JSONL rows carry its even 50)
                continue
            assessed += 1
            site[1] += 1
            site[2] += score
            histogram[min(_BUCKETS - 1, max(0, int(score // (100 / _BUCKETS))))] += 1
            entry = (-score, row["id"] or "", _article(row))
            if len(worst) < lowest:
                heapq.heappush(worst, entry)
            elif entry > worst[0]:
                heapq.heapreplace(worst, entry)
        failures = _read(root / ERRORS, name, done[name], ("code",))
        if failures is not None:
            errors.update(failures.column("code").to_pylist())
    copying = _copying(root, manifest, top)
    by_volume = sorted(sites.items(), key=lambda item: (-item[1][0], item[0]))[:top]
    ranked = [(domain, s) for domain, s in sites.items() if s[1] >= MIN_SITE_ARTICLES]
    by_score = sorted(ranked, key=lambda item: (item[1][2] / item[1][1], item[0]))[:top]
    return {
        "folder": str(root),
        "shards_done": len(done),
        "shards_planned": _planned(root),
        "articles": articles,
        "assessed": assessed,
        "errors": dict(errors.most_common()),
        "labels": dict(labels.most_common()),
        "credibility_histogram": [
            {"from": i * 100 // _BUCKETS, "to": (i + 1) * 100 // _BUCKETS, "articles": n}
            for i, n in enumerate(histogram)
        ],
        "languages": dict(languages.most_common(top)),
        "domains_by_volume": [_site(domain, s) for domain, s in by_volume],
        "domains_by_mean_score": [_site(domain, s) for domain, s in by_score],
        "min_site_articles": MIN_SITE_ARTICLES,
        "signals": dict(signals.most_common(top)),
        "lowest": [article for _, _, article in sorted(worst, reverse=True)],
        **({"copying": copying} if copying is not None else {}),
    }


def _copying(root: Path, manifest: dict[str, Any], top: int) -> dict[str, Any] | None:
    """With a corpus: articles looked up, those with copying signals, and the sites they copied most."""
    import pyarrow.parquet as pq

    looked_up = (manifest.get("phases") or {}).get("reuse") or {}
    if not looked_up:
        return None
    count = flagged = 0
    sources: Counter[str] = Counter()
    for name in sorted(looked_up):
        path = root / "reuse" / f"{name}.parquet"
        if not path.exists():
            continue
        for row in pq.read_table(path, columns=["copied_from", "signals"]).to_pylist():
            count += 1
            if row["signals"]:
                flagged += 1
                sources.update(row["copied_from"][:1])
    return {"looked_up": count, "with_signals": flagged, "copied_from": dict(sources.most_common(top))}


def _manifest(root: Path) -> dict[str, Any]:
    from newsaudit.errors import BatchError

    path = root / MANIFEST
    if not path.exists():
        raise BatchError(f"{root} holds no finished shard yet (no {MANIFEST}); is it a `newsaudit batch` folder?")
    return json.loads(path.read_text(encoding="utf-8"))


def _planned(root: Path) -> int | None:
    from newsaudit.batch.output import PLAN

    path = root / PLAN
    return len(json.loads(path.read_text(encoding="utf-8"))["shards"]) if path.exists() else None


def _read(folder: Path, name: str, entry: dict[str, Any], columns: tuple[str, ...]) -> Any:
    """One part file's `columns` (Parquet, or the JSONL lines' audits turned into rows), None when absent."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = folder / f"{name}.parquet"
    if parquet.exists():
        return pq.read_table(parquet, columns=list(columns))
    lines = folder / f"{name}.jsonl"
    if not lines.exists():
        return None
    with lines.open(encoding="utf-8") as handle:
        rows = [_jsonl_row(json.loads(line), folder.name) for line in handle if line.strip()]
    # The columns' types given, not inferred: an empty part file (no errors) still has its columns.
    table_columns = ERROR_COLUMNS if folder.name == ERRORS else AUDIT_COLUMNS
    schema = arrow_schema(tuple((name, kind) for name, kind in table_columns if name in columns))
    return pa.Table.from_pylist([{column: row.get(column) for column in columns} for row in rows], schema=schema)


def _jsonl_row(data: dict[str, Any], kind: str) -> dict[str, Any]:
    """The summary's columns of one JSONL line (an audit; in errors/ an error row)."""
    if kind == ERRORS:
        return data
    article, credibility = data.get("article") or {}, data.get("credibility") or {}
    return {
        "id": article.get("id"),
        "url": article.get("url"),
        "domain": article.get("domain"),
        "title": article.get("title"),
        "language": article.get("language"),
        "credibility_score": credibility.get("score"),
        "credibility_label": credibility.get("label"),
        "top_signals": credibility.get("top_signals") or [],
    }


def _article(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "url": row["url"],
        "domain": row["domain"],
        "score": round(row["credibility_score"], 1),
        "label": row["credibility_label"],
        "top_signals": list(row["top_signals"] or [])[:4],
        "report": f"reports/{report_name(row['id'] or '')}",
    }


def _site(domain: str, figures: list[float]) -> dict[str, Any]:
    articles, assessed, total = figures
    mean = round(total / assessed, 1) if assessed else None
    return {"domain": domain, "articles": int(articles), "assessed": int(assessed), "mean_score": mean}


def report_name(article_id: str) -> str:
    """The file name of an article's report page in `DIR/reports/` (ids are hostile: only safe characters)."""
    import hashlib
    import re

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", article_id).strip(".-")[:80] or "article"
    return f"{safe}-{hashlib.sha256(article_id.encode('utf-8')).hexdigest()[:8]}.html"
