"""One article's report page from a batch folder, written on demand: `write_report(DIR, ID)`.

A batch keeps each audit as JSON, not as the objects the report page is drawn from, so the article is
audited again: its record is found through the plan (the shard its row is in, the row's place in the shard),
read as the batch read it, and audited with the run's settings. A shard's output is a pure function of its
records, the settings and the models, so this is the stored audit again; the page says so only after
checking it against the stored JSON (timings aside), and warns when they differ (the models or the input
changed since the run). After a run with a corpus the page is audited with the corpus, so it shows the
article's reuse across the whole index; its reuse, story, signals and credibility are then left out of the check.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.batch.corpus import stored_audits
from newsaudit.batch.output import AUDITS, MANIFEST, PLAN
from newsaudit.batch.plan import Part, Shard
from newsaudit.batch.summary import report_name
from newsaudit.errors import BatchError


@dataclass(frozen=True, slots=True)
class Report:
    """Where the page was written, and whether the audit matched the stored one."""

    path: Path
    matches_stored: bool


def write_report(folder: str | Path, article_id: str) -> Report:
    """Write `DIR/reports/<name>.html` for the article `article_id` of the batch folder `folder`."""
    from newsaudit.batch.worker import Task, audit_records
    from newsaudit.files import write_text
    from newsaudit.render.html import render_html

    root = Path(folder)
    if not (root / MANIFEST).exists() or not (root / PLAN).exists():
        raise BatchError(f"{root} is not a `newsaudit batch` folder (no {MANIFEST} and {PLAN})")
    identity = json.loads((root / MANIFEST).read_text(encoding="utf-8"))["identity"]
    plan = json.loads((root / PLAN).read_text(encoding="utf-8"))
    name, row, stored = _find(root, identity["format"], article_id)
    shards = {shard["number"]: Shard.from_dict(shard) for shard in plan["shards"]}
    record = _record(shards[int(name.split("-")[1])], row)
    fields = identity.get("fields") or {}
    task = Task(
        settings=identity["settings"],
        root=plan.get("root") or os.getcwd(),
        format=identity.get("input_format"),
        fields=(fields.get("text"), fields.get("title"), fields.get("url"), fields.get("id")),
        stages=tuple(identity["stages"]) if identity.get("stages") is not None else None,
        plugins=tuple(identity.get("plugins") or ()),
    )
    (audit,) = audit_records(record, task)
    # With a corpus the stored audit was made without it (its reuse is in reuse/): compare the rest.
    corpus_made = ("timings", "reuse", "story", "signals", "credibility")
    left_out = corpus_made if identity["settings"].get("corpus") else ("timings",)
    matches = _without(audit.to_dict(), left_out) == _without(stored, left_out)
    path = root / "reports" / report_name(article_id)
    path.parent.mkdir(exist_ok=True)
    write_text(path, render_html(audit))
    return Report(path, matches)


def _find(root: Path, format: str, article_id: str) -> tuple[str, int, dict[str, Any]]:
    """The part file name, the row within it and the stored audit of `article_id` (first match)."""
    folder = root / AUDITS
    for part in sorted(folder.glob(f"part-*.{format}")):
        name = part.name.split(".")[0]
        if format == "parquet":
            import pyarrow.parquet as pq

            ids = pq.read_table(part, columns=["id"]).column("id").to_pylist()
            if article_id in ids:
                row = ids.index(article_id)
                stored = pq.read_table(part, columns=["audit_json"]).column("audit_json")[row].as_py()
                return name, row, json.loads(stored)
        else:
            for row, data in enumerate(stored_audits(root, name, format)):
                if (data.get("article") or {}).get("id") == article_id:
                    return name, row, data
    raise BatchError(f"no article with id {article_id!r} in {folder}")


def _record(shard: Shard, row: int) -> Shard:
    """The one-record shard of the `row`-th record of `shard`."""
    for part in shard.parts:
        if row < part.size:
            return Shard(shard.number, (Part(part.path, part.start + row, part.start + row + 1, part.failure),))
        row -= part.size
    raise BatchError(f"row {row} is past the end of {shard.name}; the plan and the part file disagree")


def _without(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}
