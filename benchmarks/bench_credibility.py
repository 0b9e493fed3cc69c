"""Cost of the assessment (signals stage + credibility model + source-reputation look-up) and of the HTML
report, beside the rest of the audit, on the FakeNewsCorpus sample, one process.

    python benchmarks/bench_credibility.py [--data DIR] [--limit 200]

Audits the first --limit articles (with their titles and domains) once with a source store built from the
OpenSources and Baly lists (so every article also gets a reputation look-up), reads the per-stage timings
the pipeline records, and reports: the signals stage and the credibility step as a share of the rest of the
audit time and as articles/s on their own; then renders every audit as an HTML page (pages/s, average size);
and peak memory.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    data = data_dir(args.data)
    sample = require(data / "fakenewscorpus_sample" / "news_sample.csv")
    from newsaudit import Auditor
    from newsaudit.ingest.readers import RawDocument
    from newsaudit.render.html import render_html
    from newsaudit.stores.sources import add_sources

    csv.field_size_limit(1 << 30)
    with sample.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["content"].strip()][: args.limit]
    documents = [
        RawDocument(
            row["content"],
            "text",
            f"fnc:{i}",
            "csv",
            {"title": row["title"], "url": row["url"], "domain": row["domain"]},
        )
        for i, row in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "sources.db"
        for listed in (
            data / "opensources" / "sources.json",
            data / "media_factuality_baly" / "emnlp18" / "corpus.tsv",
        ):
            if listed.exists():
                add_sources(listed, store, list_name=listed.parent.name)
        auditor = Auditor(workers=1, sources=str(store) if store.exists() else None)
        auditor.audit("Warm-up headline\n\nThe mayor said on Monday that the bridge would open.")
        started = time.perf_counter()
        audits = list(auditor.audit_many(documents, workers=1))
        audit_seconds = time.perf_counter() - started
    signals = sum(a.timings.get("signals", 0.0) for a in audits)
    assessment = sum(a.timings.get("credibility", 0.0) for a in audits)
    total = sum(a.timings.get("total", 0.0) for a in audits)
    rest = total - signals - assessment
    started = time.perf_counter()
    pages = [render_html(audit) for audit in audits]
    render_seconds = time.perf_counter() - started
    n = len(audits)
    rated = sum(1 for a in audits if a.credibility and a.credibility.reputation not in (None, "unknown"))
    emit(
        {
            "articles": n,
            "audit_articles_per_s": round(n / audit_seconds, 2),
            "signals_share_of_rest": round(signals / rest, 4),
            "credibility_share_of_rest": round(assessment / rest, 4),
            "signals_articles_per_s": round(n / signals) if signals else None,
            "credibility_articles_per_s": round(n / assessment) if assessment else None,
            "sites_rated_by_lists": rated,
            "html_pages_per_s": round(n / render_seconds, 1),
            "html_kb_avg": round(sum(len(p) for p in pages) / n / 1024, 1),
            **peak_rss_mb(),
        }
    )


if __name__ == "__main__":
    main()
