"""The local runner: a batch stream audited in this process, or in a pool of worker processes on this machine.

Batches go to workers in order, at most three per worker in flight, so input streams lazily and a corpus of
millions passes in constant memory; audits come back in input order. The runner knows nothing of what an
audit does: it is handed something that audits a batch (`BatchAuditor`, i.e. an `Auditor`) and builds the
same kind in each worker from its settings and stage names.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any, Protocol

from newsaudit.schema import Audit
from newsaudit.settings import Settings


class BatchAuditor(Protocol):
    """What a runner needs of an auditor (`newsaudit.Auditor` is one)."""

    settings: Settings
    stages: Sequence[Any]

    def __init__(self, settings: Settings, *, stages: Sequence[str] | None = None) -> None: ...

    @property
    def nlp(self) -> Any: ...

    def audit_batch(self, items: Sequence[Any]) -> list[Audit]: ...


def run_local(auditor: BatchAuditor, items: Iterable[Any], workers: int) -> Iterator[Audit]:
    """Audit `items` in input order: in this process when `workers` <= 1 or there is only one batch."""
    batches = batched(items, auditor.settings.batch_size)
    if workers <= 1:
        for batch in batches:
            yield from auditor.audit_batch(batch)
        return
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    if second is None:
        # A single batch is not worth starting processes for.
        yield from auditor.audit_batch(first)
        return
    yield from _audit_in_processes(auditor, chain([first, second], batches), workers)


_WORKER: BatchAuditor | None = None


def _init_worker(kind: type[BatchAuditor], settings: Settings, stage_names: tuple[str, ...]) -> None:
    global _WORKER
    # One BLAS thread per worker: the workers already fill the cores, and numpy's small products (the role
    # tagger, stance) run slower, not faster, when every worker also starts a thread per core (measured: the
    # pipeline took 1.6x the bare parse on FNC-1 bodies with 2 workers instead of 1.2x).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    if _WORKER is None or _WORKER.settings != settings:
        _WORKER = kind(settings, stages=stage_names)


def _work(batch: list[Any]) -> list[Audit]:
    assert _WORKER is not None
    return _WORKER.audit_batch(batch)


def _audit_in_processes(auditor: BatchAuditor, batches: Iterator[list[Any]], workers: int) -> Iterator[Audit]:
    global _WORKER
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        # Load the pipeline before forking so that every worker shares it instead of loading its own.
        auditor.nlp  # noqa: B018
        _WORKER = auditor
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    stage_names = tuple(current.name for current in auditor.stages)
    initargs = (type(auditor), auditor.settings, stage_names)
    with context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append(pool.apply_async(_work, (batch,)))
            # Keep a few batches per worker queued: enough to stay busy, bounded so input streams lazily.
            while len(in_flight) >= workers * 3:
                yield from in_flight.popleft().get()
        while in_flight:
            yield from in_flight.popleft().get()


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of at most `size` items, read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
