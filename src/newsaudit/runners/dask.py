"""The Dask runner: pieces of work on a Dask cluster, results back as they finish, crashes isolated.

It knows nothing of audits, like the local runner: it is handed pieces, a function that does one piece on a
worker (a module-level function, so Dask ships it by reference), and a function that cuts a piece in two.
What it adds is what a crawl on many machines needs:

- bounded work in flight (`in_flight` pieces submitted at a time), so the input streams and the client holds
  only the results that have not been taken yet;
- a piece whose worker died (`KilledWorker`: the scheduler already retried it on another worker as often as
  its `allowed-failures` lets) is cut in halves and the halves are run again, so one record that kills
  workers costs a few retries of ever smaller pieces, and ends as `Lost` instead of sinking the piece it
  came with or being retried forever;
- a piece that *raised* is not retried: the work function is expected to turn a bad record into a result,
  so an exception means the work cannot run at all (a missing plugin, an unreadable model). Cutting it up
  would only repeat the failure once per record; the run stops with `PieceFailed` instead, and the pieces
  already yielded stay done.

`local_cluster` starts the default engine: one single-threaded worker process per core on this machine.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Piece = TypeVar("Piece")

#: How often the scheduler reruns a task whose worker died before it gives up on it (`KilledWorker`).
#: 1 = a record that kills two workers is a poison record.
ALLOWED_FAILURES = 1
#: Dask settings of the clusters this module starts. Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in each worker's
#: environment (to hand freed memory back sooner); that also fixes glibc's mmap threshold at 128 kB, so every
#: larger array spaCy and numpy allocate is an mmap/munmap pair: measured, one 100-article shard took 14.0 s
#: with it and 10.3 s without, in the same plain process. `None` removes the variable (Dask's documented way).
WORKER_CONFIG = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
}
#: What to set where a user starts the workers (`dask worker`) to get the same.
WORKER_ENVIRONMENT_FIX = "DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__MALLOC_TRIM_THRESHOLD_=None"


@dataclass(frozen=True, slots=True)
class Lost(Generic[Piece]):
    """A piece that cannot be cut smaller and still failed: its worker died twice, or it raised."""

    piece: Piece
    reason: str


class PieceFailed(RuntimeError):
    """A piece raised on its worker (as opposed to its worker dying): the run cannot go on."""

    def __init__(self, piece: Any, error: BaseException) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.piece = piece
        self.error = error


@contextmanager
def local_cluster(workers: int, *, memory_limit: str | float | None = "auto") -> Iterator[Any]:
    """A `distributed.Client` on a LocalCluster of `workers` single-threaded worker processes (with nannies,
    so a worker that dies is restarted), closed at the end of the block."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(WORKER_CONFIG):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=memory_limit,
            dashboard_address=":0",
        )
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A `distributed.Client` on an existing cluster (`tcp://host:8786`)."""
    from distributed import Client

    with Client(scheduler) as client:
        yield client


def _trim_threshold() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def slow_allocator_workers(client: Any) -> list[str]:
    """The workers started with MALLOC_TRIM_THRESHOLD_ set (see `WORKER_CONFIG`): a third slower at auditing."""
    try:
        found = client.run(_trim_threshold)
    except Exception:
        return []
    return sorted(worker for worker, value in found.items() if value)


def dashboard_link(client: Any) -> str | None:
    """The cluster's dashboard address, or None where the dashboard is not served (bokeh not installed)."""
    try:
        link = client.dashboard_link
    except Exception:
        return None
    info = client.scheduler_info().get("services", {})
    return link if "dashboard" in info else None


def run_pieces(
    client: Any,
    pieces: Iterable[Piece],
    work: Callable[..., Any],
    *,
    split: Callable[[Piece], list[Piece]],
    in_flight: int,
    args: tuple[Any, ...] = (),
    name: str = "piece",
) -> Iterator[tuple[Piece, Any]]:
    """Run `work(piece, *args)` on the cluster for every piece; yield `(piece, result)` as they finish.

    A piece whose worker died is replaced by the pieces `split` cuts it into, which are yielded in its place;
    a piece `split` cannot cut (it returns `[]`) is yielded with a `Lost` result. A piece that raised raises
    `PieceFailed` (the pieces still running are cancelled). Order is completion order.
    """
    from distributed import KilledWorker, as_completed

    counter = itertools.count()
    piece_of: dict[str, Piece] = {}

    def submit(piece: Piece) -> Any:
        future = client.submit(work, piece, *args, key=f"{name}-{next(counter)}", retries=0, pure=False)
        piece_of[future.key] = piece
        return future

    source = iter(pieces)
    running = as_completed()
    for piece in itertools.islice(source, max(1, in_flight)):
        running.add(submit(piece))
    for future in running:
        piece = piece_of.pop(future.key)
        try:
            result = future.result()
        except KilledWorker as error:
            future.release()
            halves = split(piece)
            if not halves:
                yield piece, Lost(piece, _reason(error))
            for half in halves:
                running.add(submit(half))
            continue
        except Exception as error:
            client.cancel(list(running.futures))
            raise PieceFailed(piece, error) from error
        future.release()
        yield piece, result
        following = next(source, None)
        if following is not None:
            running.add(submit(following))


def _reason(error: BaseException) -> str:
    return f"the record stopped {ALLOWED_FAILURES + 1} workers (a crash or running out of memory): {error}"
