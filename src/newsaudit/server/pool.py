"""Audits off the event loop: a pool of worker processes, each with the models loaded once, behind a bounded
queue.

Audits are CPU-bound (a parse and a dozen stages), so they run in `workers` processes started with `spawn` (no
fork of a process that already runs an event loop and threads). Each process builds one `Auditor` when it
starts and keeps it. `AuditPool.run` admits a request only while fewer than `workers + queue` are in hand, and
raises `QueueFull` otherwise (the server answers 503 with `Retry-After`); a request that waits past the time
limit raises `asyncio.TimeoutError` (504), and the audit itself stops at the same limit inside its worker (the
auditor's `time_limit`), so a slow article never holds a worker for long.

A worker is replaced after `recycle` audits (0: never): spaCy's vocabulary and the per-process caches grow with
every new word and text, so a server that runs for weeks would otherwise grow with them. The replacement loads
the models again (a few seconds, during which the other workers serve).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Literal

from newsaudit.settings import Settings


class QueueFull(Exception):
    """Every worker is busy and the queue is full: try again later."""


class WorkerLost(Exception):
    """The worker auditing this request died (killed, out of memory): the pool was restarted; try again."""


@dataclass(frozen=True, slots=True)
class Job:
    """One article to audit: its content as text (`kind` says how to read it), the metadata the caller gave,
    whether to store it in the corpus with its audit, and whether to render the report page too. With `story`
    set, the job is that story instead: the audit of its first report, whose `story` is the story."""

    content: str
    kind: Literal["html", "text"]
    fields: dict[str, Any] = field(default_factory=dict)
    titled: bool = False
    store: bool = False
    page: bool = False
    story: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a worker sends back: the audit JSON, the report page when asked, and whether it was stored."""

    audit: dict[str, Any]
    failed: bool
    page: str | None = None
    stored: bool = False


_AUDITOR: Any = None


def _start_worker(settings: Settings) -> None:
    global _AUDITOR
    from threadpoolctl import threadpool_limits

    from newsaudit.auditor import Auditor

    threadpool_limits(limits=1)  # one BLAS thread per worker, as in the local runner
    _AUDITOR = Auditor(settings)
    _AUDITOR.audit("A fictional warm-up headline\n\nThe mayor of Exampleton said on Monday that the bridge would open.")


def _warm() -> int:
    import os

    return os.getpid()


def audit_job(job: Job) -> Outcome:
    """Audit one job in this worker (the server's workers call it; it runs in-process too, for tests)."""
    from newsaudit.ingest.readers import RawDocument
    from newsaudit.render.html import render_html
    from newsaudit.render.html.story_page import render_story

    auditor = _AUDITOR
    if job.story is not None:
        audit = auditor.story(job.story)
        return Outcome(audit.to_dict(), audit.failed, render_story(audit) if job.page else None)
    raw = RawDocument(job.content, job.kind, "<request>", job.kind, dict(job.fields), titled=job.titled)
    audit = auditor.audit(raw)
    data = audit.to_dict()
    stored = False
    if job.store and not audit.failed:
        corpus = auditor.stores.open_corpus()
        corpus.add([audit.article], audits={audit.article.id: data})
        stored = True
    page = render_html(audit) if job.page and not audit.failed else None
    return Outcome(data, audit.failed, page, stored)


class AuditPool:
    """`workers` audit processes and a bounded queue in front of them."""

    def __init__(self, settings: Settings, workers: int, queue: int, timeout: float, recycle: int = 500) -> None:
        # The audit stops itself at the request's time limit (or its own, if shorter).
        limit = timeout if not settings.time_limit else min(settings.time_limit, timeout)
        self.settings = settings.replace(time_limit=limit, workers=1)
        self.workers = workers
        self.capacity = workers + queue
        self.timeout = timeout
        self.recycle = recycle
        self.in_hand = 0
        self.finished = 0
        self.restarts = 0
        self.done: deque[float] = deque(maxlen=10_000)
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes and wait until each has loaded its models."""
        self._executor = self._new_executor()
        # One job per worker: each submit with no idle worker starts one more process.
        for future in [self._executor.submit(_warm) for _ in range(self.workers)]:
            future.result()

    def _new_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.settings,),
            max_tasks_per_child=self.recycle or None,
        )

    def shutdown(self) -> None:
        """Finish the audits in hand, then stop the workers."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=False)
            self._executor = None

    @property
    def waiting(self) -> int:
        """Requests in hand beyond the ones being audited."""
        return max(0, self.in_hand - self.workers)

    def audits_per_second(self, window: float = 60.0) -> float:
        """Audits finished per second over the last `window` seconds."""
        now = time.monotonic()
        return round(sum(1 for at in self.done if now - at <= window) / window, 3)

    async def run(self, job: Job) -> Outcome:
        """The outcome of `job`; `QueueFull` when the pool cannot take it now, `asyncio.TimeoutError` past the
        time limit."""
        if self._executor is None:
            raise RuntimeError("the audit pool is not started")
        if self.in_hand >= self.capacity:
            raise QueueFull
        self.in_hand += 1
        executor = self._executor
        try:
            try:
                future = executor.submit(audit_job, job)  # raises at once when a worker died while idle
                outcome = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
            except TimeoutError:
                future.cancel()  # still queued: never started; started: its time limit ends it soon
                raise
            except BrokenProcessPool:
                # A worker died (mid-audit or idle); the executor is unusable from now on: replace it (once,
                # whichever request sees it first) and let this request be retried.
                if self._executor is executor:
                    self.restarts += 1
                    self._executor = self._new_executor()
                    executor.shutdown(wait=False, cancel_futures=True)
                raise WorkerLost from None
            self.done.append(time.monotonic())
            self.finished += 1
            return outcome
        finally:
            self.in_hand -= 1
