"""What runs on a Dask worker: one shard (or a piece of one) read, audited and turned into Arrow tables.

The Auditor and its models are built once per worker process (`_auditor`, keyed by the settings), never
pickled with a task: a task carries only its shard, the settings as a dict and the run's options. What comes
back is two Arrow tables (audits and errors rows), never spaCy objects.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from newsaudit.batch.plan import Part, Shard
from newsaudit.batch.rows import Rows
from newsaudit.ingest.readers import FieldMap, RawDocument, ReadFailure, read
from newsaudit.settings import Settings


@dataclass(frozen=True, slots=True)
class Task:
    """Everything a worker needs besides the shard: plain, picklable values."""

    settings: dict[str, Any]
    root: str
    format: str | None = None
    fields: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)
    stages: tuple[str, ...] | None = None
    #: Modules imported on the worker before the Auditor is built (to register stages of one's own).
    plugins: tuple[str, ...] = ()
    #: Fingerprint every audited text for the corpus-wide phase (`batch.corpus`).
    signatures: bool = False


_CACHE: dict[Any, Any] = {}


def _auditor(task: Task) -> Any:
    """The worker's Auditor for these settings: built on the first task, reused by every later one."""
    key = (tuple(sorted(task.settings.items())), task.stages, task.plugins)
    if key not in _CACHE:
        from threadpoolctl import threadpool_limits

        from newsaudit.auditor import Auditor

        for module in task.plugins:
            importlib.import_module(module)
        threadpool_limits(limits=1)  # a worker is one thread; BLAS threads would fight the other workers
        _CACHE.clear()
        _CACHE[key] = Auditor(Settings(**task.settings), stages=task.stages)
    return _CACHE[key]


def audit_shard(shard: Shard, task: Task) -> dict[str, Any]:
    """Audit every record of `shard`: Arrow tables by kind (audits, errors, and signatures when asked)."""
    from newsaudit.batch.corpus import signature_row, signatures_table

    rows, signatures = Rows(), []
    for audit in audit_records(shard, task):  # each audit becomes rows at once: a shard's audits are never all held
        rows.add(audit)
        if task.signatures and (signature := signature_row(audit)) is not None:
            signatures.append(signature)
    tables = {"audits": rows.audits_table(), "errors": rows.errors_table()}
    if task.signatures:
        tables["signatures"] = signatures_table(signatures)
    return tables


def audit_records(shard: Shard, task: Task) -> Iterator[Any]:
    """The audits of `shard`'s records, in order, one per record (a record that failed is a failed audit)."""
    auditor = _auditor(task)
    items = list(records(shard, task))
    for start in range(0, len(items), auditor.settings.batch_size):
        yield from auditor.audit_batch(items[start : start + auditor.settings.batch_size])


def peak_rss_mb() -> float:
    """This worker process's peak resident memory so far, in MB (Linux reports kB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1 << 20 if sys.platform == "darwin" else 1 << 10), 1)


def lost_rows(shard: Shard, task: Task, reason: str) -> dict[str, Any]:
    """The rows of a record that crashed its workers: read again (not audited), recorded as an error."""
    from newsaudit.auditor import failure_audit
    from newsaudit.errors import WorkerLostError

    rows = Rows()
    for item in records(shard, task):
        raw = item if isinstance(item, RawDocument) else None
        failure = ReadFailure(item.source, WorkerLostError(f"not audited: {reason}"), getattr(item, "id", None))
        rows.add(failure_audit(failure, raw))
    return {"audits": rows.audits_table(), "errors": rows.errors_table()}


def records(shard: Shard, task: Task) -> Iterator[RawDocument | ReadFailure]:
    """The shard's records, read as `newsaudit audit` reads them (same sources, same ids)."""
    from newsaudit.errors import InputError

    settings = Settings(**task.settings)
    fields = FieldMap(*task.fields)
    for part in shard.parts:
        if part.failure is not None:
            yield ReadFailure(part.path, InputError(part.failure))
            continue
        yield from _part_records(part, task, fields, settings.max_bytes)


def _part_records(part: Part, task: Task, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    given = part.path
    path = Path(given) if Path(given).is_absolute() else Path(task.root) / given
    opened = str(path)
    for item in islice(read([path], format=task.format, fields=fields, max_bytes=max_bytes), part.start, part.stop):
        if opened != given and item.source.startswith(opened):
            # Name the record as the user named its file (a relative path), as `newsaudit audit` does.
            item = dataclasses.replace(item, source=given + item.source[len(opened) :])
        yield item
