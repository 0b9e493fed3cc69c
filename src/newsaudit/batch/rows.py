"""One row per audit, one per error: the tables `newsaudit batch` writes, readable without newsaudit.

The audits table carries the figures a person filters and sorts a crawl by (site, credibility, counts,
stance, top signals) as plain columns, and the whole audit (the JSON contract of `Audit.to_dict()`) in
`audit_json`, so pandas, DuckDB or Polars can get at any finding without this package. The errors table has
one row per error an audit recorded (read, extraction, a stage, the time limit, a worker that was lost).
"""

from __future__ import annotations

import json
from typing import Any

from newsaudit.schema import Audit

#: The audits table's columns and their Arrow types, in order.
AUDIT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("source", "string"),
    ("url", "string"),
    ("domain", "string"),
    ("title", "string"),
    ("published", "string"),
    ("language", "string"),
    ("credibility_score", "float64"),
    ("credibility_label", "string"),
    ("credibility_probability_low", "float64"),
    ("claims", "int32"),
    ("attributions", "int32"),
    ("anonymous_share", "float64"),  # share of attributed sentences whose source is anonymous or unnamed
    ("denials", "int32"),
    ("hedges", "int32"),
    ("stance_label", "string"),
    ("top_signals", "list<string>"),
    ("errors", "int32"),
    ("audit_json", "large_string"),
)
ERROR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "string"),
    ("source", "string"),
    ("stage", "string"),
    ("code", "string"),
    ("reason", "string"),
)


def audit_row(audit: Audit, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The audits-table row of one audit (`data`: its `to_dict()`, when already made)."""
    data = audit.to_dict() if data is None else data
    article, credibility, stance = audit.article, audit.credibility, audit.stance
    # A `not_assessed` article carries an even score of 50 in its JSON; as a column it would pull every
    # average toward the middle, so the score columns are null for it (its label says why).
    scored = credibility is not None and credibility.label != "not_assessed"
    anonymous = (audit.sourcing or {}).get("share_anonymous_or_unnamed")
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "domain": article.domain,
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "credibility_score": credibility.score if scored else None,
        "credibility_label": credibility.label if credibility else None,
        "credibility_probability_low": credibility.probability_low if scored else None,
        "claims": len(audit.claims),
        "attributions": len(audit.attributions),
        "anonymous_share": float(anonymous) if isinstance(anonymous, (int, float)) else None,
        "denials": len(audit.denials),
        "hedges": len(audit.hedges),
        "stance_label": stance.label if stance else None,
        "top_signals": list(credibility.top_signals) if credibility else [],
        "errors": sum(error.severity == "error" for error in audit.errors),
        "audit_json": json.dumps(data, ensure_ascii=False),
    }


def error_rows(audit: Audit) -> list[dict[str, Any]]:
    """The errors-table rows of one audit: its errors (warnings are in its JSON only)."""
    return [
        {"id": audit.article.id, "source": audit.article.source, "stage": e.stage, "code": e.code, "reason": e.message}
        for e in audit.errors
        if e.severity == "error"
    ]


def arrow_schema(columns: tuple[tuple[str, str], ...]) -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "large_string": pa.large_string(),
        "float64": pa.float64(),
        "int32": pa.int32(),
        "list<string>": pa.list_(pa.string()),
        "binary": pa.binary(),
    }
    return pa.schema([(name, types[kind]) for name, kind in columns])


class Rows:
    """Audits and errors collected as rows, then handed over as two Arrow tables."""

    def __init__(self) -> None:
        self.audits: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []

    def add(self, audit: Audit) -> None:
        self.audits.append(audit_row(audit))
        self.errors.extend(error_rows(audit))

    def audits_table(self) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist(self.audits, schema=arrow_schema(AUDIT_COLUMNS))

    def errors_table(self) -> Any:
        import pyarrow as pa

        return pa.Table.from_pylist(self.errors, schema=arrow_schema(ERROR_COLUMNS))
