"""`newsaudit batch`: a crawl audited on Dask, shard by shard, into Parquet (or JSONL) part files.

    from newsaudit.batch import run_batch
    result = run_batch(["crawl/"], "out/", workers=4)        # a LocalCluster of 4 single-threaded workers
    result = run_batch(["crawl/"], "out/", scheduler="tcp://10.0.0.5:8786")   # an existing cluster

The inputs are cut into deterministic shards (`batch.plan`); each shard is audited on a worker
(`batch.worker`, the Auditor built once per worker process) and comes back as Arrow tables, which this
process, the only writer, writes as `audits/part-NNNNN.*` and `errors/part-NNNNN.*` and then lists in
`manifest.json` (`batch.output`). Running the same command again does only the shards the manifest does not
list, so a run killed at any point (the client, a worker, all of it) is finished by its rerun with each
article written exactly once. A shard whose worker dies is retried on another; one that keeps failing is
cut in halves until the record at fault is alone, and that record is written as a `worker_lost` error.

With a real cluster, the workers must see the input files at the same paths (a shared file system) and
have newsaudit installed at the same version; only this process writes the output folder.

With `settings.corpus`, the corpus-wide phase follows (`batch.corpus`: signatures, index, look-ups).
At the end of a run `DIR/summary.html` is written from the finished shards (`batch.summary`); an article's
report page is written on demand (`batch.report.write_report`, `newsaudit report DIR ID`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsaudit._version import __version__
from newsaudit.batch.output import FORMATS, KINDS, PLAN, SUMMARY, Manifest, remove_temporaries, write_shard
from newsaudit.batch.plan import DEFAULT_SHARD_SIZE, Shard, check_shard_size, file_stamps, halves, plan_shards
from newsaudit.batch.worker import Task, audit_shard, lost_rows
from newsaudit.errors import BatchError, SettingsError
from newsaudit.files import write_text
from newsaudit.ingest.readers import FieldMap
from newsaudit.settings import Settings

__all__ = ["BatchResult", "run_batch", "write_summary"]

#: Settings that change how fast a run goes, not what it writes: left out of the run's identity.
_SPEED_SETTINGS = ("workers", "batch_size")


@dataclass
class BatchResult:
    """What a run did: shards and articles, done now or found done, errors by code, time."""

    out: Path
    shards: int = 0
    skipped_shards: int = 0
    articles: int = 0
    skipped_articles: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    workers: int = 0
    dashboard: str | None = None
    #: Peak resident memory of each worker process at the end of the run, in MB (by worker address).
    worker_peak_mb: dict[str, float] = field(default_factory=dict)
    #: Workers of the user's cluster started with Dask's MALLOC_TRIM_THRESHOLD_ (slower; see runners.dask).
    slow_workers: list[str] = field(default_factory=list)
    #: With a corpus: articles added to its index now, articles looked up now, and those with copying signals.
    indexed: int = 0
    looked_up: int = 0
    copying: int = 0

    @property
    def rate(self) -> float:
        """Articles audited per second of this run."""
        return self.articles / self.seconds if self.seconds else 0.0


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    format: str = "parquet",
    shard_size: int = DEFAULT_SHARD_SIZE,
    input_format: str | None = None,
    fields: FieldMap | None = None,
    force: bool = False,
    stages: Sequence[str] | None = None,
    plugins: Sequence[str] = (),
    on_plan: Callable[[int, int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_cluster: Callable[[Any], None] | None = None,
    on_skip: Callable[[str, str], None] | None = None,
) -> BatchResult:
    """Audit `inputs` into the folder `out`; see the module docstring.

    `on_plan(pending_records, total_records)` is called once the shards are known, `on_progress(records)`
    after every finished piece, `on_cluster(client)` once the cluster is up, `on_skip(path, reason)` for what
    a directory walk leaves out (when the shards are planned, not when a plan is reused). Raises `BatchError` for an
    output folder of another run (unless `force`) or inputs changed since the plan was made.
    """
    if format not in FORMATS:
        raise SettingsError(f"unknown batch format {format!r}; choose {' or '.join(FORMATS)}")
    if workers is not None and scheduler is not None:
        raise SettingsError("give --workers (a local cluster) or --scheduler (an existing one), not both")
    check_shard_size(shard_size)
    settings = settings or Settings.load()
    fields = fields or FieldMap()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    given = [str(item) for item in inputs]
    identity = _identity(given, settings, format, shard_size, input_format, fields, stages, plugins)
    manifest = Manifest.open(folder, identity, force=force)
    remove_temporaries(folder)
    shards = _plan(folder, given, shard_size, input_format, fields, settings.max_bytes, force=force, on_skip=on_skip)
    pending = [shard for shard in shards if not manifest.is_done(shard.name, format)]
    result = BatchResult(folder, shards=len(shards), skipped_shards=len(shards) - len(pending))
    result.skipped_articles = sum(shard.size for shard in shards) - sum(shard.size for shard in pending)
    if on_plan:
        on_plan(sum(shard.size for shard in pending), sum(shard.size for shard in shards))
    corpus = settings.corpus
    looked_up = [shard for shard in shards if corpus and not manifest.is_marked("reuse", shard.name, format)]
    if pending or looked_up:
        # With a corpus the articles are audited without it; the corpus-wide phase finds their reuse after.
        worker_settings = dataclasses.replace(settings, corpus=None) if corpus else settings
        task = Task(
            settings=dataclasses.asdict(worker_settings),
            root=os.getcwd(),
            format=input_format,
            fields=(fields.text, fields.title, fields.url, fields.id),
            stages=tuple(stages) if stages is not None else None,
            plugins=tuple(plugins),
            signatures=bool(corpus),
        )
        with _cluster(workers, scheduler) as client:
            result.workers = len(client.scheduler_info().get("workers", {}))
            from newsaudit.runners.dask import dashboard_link, slow_allocator_workers

            result.dashboard = dashboard_link(client)
            result.slow_workers = slow_allocator_workers(client) if scheduler else []
            if on_cluster:
                on_cluster(client)
            _audit_shards(client, pending, task, manifest, format, result, on_progress)
            if corpus:
                _corpus_phase(client, corpus, [shard.name for shard in shards], manifest, format, result)
            result.worker_peak_mb = _worker_peaks(client)
    write_summary(folder)
    result.seconds = time.perf_counter() - started
    return result


def write_summary(folder: str | Path) -> Path:
    """Write `DIR/summary.html` from the folder's finished shards (atomically); its path."""
    from newsaudit.batch.summary import summarise
    from newsaudit.render.html import render_summary

    path = Path(folder) / SUMMARY
    write_text(path, render_summary(summarise(folder)))
    return path


def _audit_shards(client, pending: list[Shard], task: Task, manifest: Manifest, format: str, result, on_progress):
    """Run the pending shards; write each one as soon as all of its pieces are back."""
    from newsaudit.runners.dask import Lost, PieceFailed, run_pieces

    by_number = {shard.number: shard for shard in pending}
    pieces: dict[int, list[tuple[tuple[int, int], dict[str, Any]]]] = {}
    filled: Counter[int] = Counter()
    outcomes = run_pieces(
        client, pending, audit_shard, split=halves, in_flight=_in_flight(result), args=(task,), name="newsaudit-shard"
    )
    try:
        for piece, outcome in outcomes:
            if isinstance(outcome, Lost):
                outcome = lost_rows(piece, task, outcome.reason)
            shard = by_number[piece.number]
            pieces.setdefault(shard.number, []).append((_position(shard, piece), outcome))
            filled[shard.number] += piece.size
            if on_progress:
                on_progress(piece.size)
            if filled[shard.number] == shard.size:
                _finish(manifest, shard, pieces.pop(shard.number), format, result)
    except PieceFailed as failure:
        raise BatchError(
            f"{by_number[failure.piece.number].name} could not be audited on the workers ({failure}); "
            f"the {len(manifest.done)} shard(s) finished are kept: fix the cause and run the same command again"
        ) from failure.error


def _in_flight(result: BatchResult) -> int:
    """Pieces submitted at a time: two per worker, so none waits for work while results are written."""
    return max(2, 2 * max(1, result.workers))


def _corpus_phase(client, location: str, names: list[str], manifest: Manifest, format: str, result) -> None:
    """Index every shard's articles (from their signatures), then look each one up in the whole index."""
    from newsaudit.batch.corpus import index_shards, reuse_shard
    from newsaudit.runners.dask import Lost, PieceFailed, run_pieces

    result.indexed = index_shards(manifest, names, location, format)
    todo = [name for name in names if not manifest.is_marked("reuse", name, format)]
    # Absolute paths: a worker's working folder is not this process's.
    local = "://" not in location and location != ":memory:"
    args = (str(manifest.folder.resolve()), str(Path(location).resolve()) if local else location, format)
    outcomes = run_pieces(
        client,
        todo,
        reuse_shard,
        split=lambda name: [],
        in_flight=_in_flight(result),
        args=args,
        name="newsaudit-reuse",
    )
    try:
        for name, table in outcomes:
            if isinstance(table, Lost):
                raise BatchError(f"the reuse look-ups of {name} stopped two workers: {table.reason}")
            entry = write_shard(manifest.folder, name, {"reuse": table}, format)
            manifest.mark("reuse", name, entry)
            result.looked_up += table.num_rows
            result.copying += sum(bool(signals) for signals in table.column("signals").to_pylist())
    except PieceFailed as failure:
        raise BatchError(
            f"the reuse look-ups of {failure.piece} failed on the workers ({failure}); run again"
        ) from failure.error


def _worker_peaks(client) -> dict[str, float]:
    from newsaudit.batch.worker import peak_rss_mb

    try:
        return dict(client.run(peak_rss_mb))
    except Exception:  # a worker that left as the run ended: its figure is simply missing
        return {}


def _finish(manifest: Manifest, shard: Shard, parts: list, format: str, result: BatchResult) -> None:
    """Join a shard's pieces in input order, write its part files, then list it in the manifest."""
    import pyarrow as pa

    parts.sort(key=lambda item: item[0])
    kinds = [kind for kind in KINDS if any(kind in outcome for _, outcome in parts)]
    tables = {kind: pa.concat_tables([outcome[kind] for _, outcome in parts if kind in outcome]) for kind in kinds}
    entry = write_shard(manifest.folder, shard.name, tables, format)
    manifest.mark_done(shard.name, {**entry, "records": shard.size})
    result.articles += tables["audits"].num_rows
    result.errors.update(tables["errors"].column("code").to_pylist())


def _position(shard: Shard, piece: Shard) -> tuple[int, int]:
    """Where a piece starts within its shard: (index of its first part's range, first record)."""
    first = piece.parts[0]
    for index, part in enumerate(shard.parts):
        if part.path == first.path and part.start <= first.start < max(part.stop, part.start + 1):
            return index, first.start
    raise AssertionError(f"piece {first} is not in shard {shard.number}")


def _plan(
    folder: Path, given: list[str], shard_size: int, input_format, fields, max_bytes: int, *, force: bool, on_skip=None
) -> list[Shard]:
    """The shards: from `plan.json` when a run of the same identity made one, else planned and saved."""
    path = folder / PLAN
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        shards = [Shard.from_dict(item) for item in data["shards"]]
        changed = [name for name, stamp in file_stamps(shards).items() if data["files"].get(name) != stamp]
        if not changed:
            return shards
        if not force:
            raise BatchError(
                f"{len(changed)} input file(s) changed since this run began (e.g. {changed[0]}); "
                "add --force to start the folder over"
            )
    shards = plan_shards(given, shard_size, format=input_format, fields=fields, max_bytes=max_bytes, on_skip=on_skip)
    data = {"root": os.getcwd(), "files": file_stamps(shards), "shards": [shard.to_dict() for shard in shards]}
    write_text(path, json.dumps(data, ensure_ascii=False) + "\n")
    return shards


def _cluster(workers: int | None, scheduler: str | None):
    from newsaudit.runners.dask import connect, local_cluster

    if scheduler:
        return connect(scheduler)
    return local_cluster(workers or os.cpu_count() or 1)


def _identity(given, settings: Settings, format, shard_size, input_format, fields, stages, plugins) -> dict[str, Any]:
    """What decides a run's output: a folder holds the output of one identity only."""
    chosen = {k: v for k, v in dataclasses.asdict(settings).items() if k not in _SPEED_SETTINGS}
    return {
        "inputs": [os.path.abspath(item) for item in given],
        "input_format": input_format,
        "fields": dataclasses.asdict(fields),
        "format": format,
        "shard_size": shard_size,
        "settings": chosen,
        "stages": list(stages) if stages is not None else None,
        "plugins": list(plugins),
        "newsaudit": __version__,
        "models": model_versions(),
    }


def model_versions() -> dict[str, str]:
    """SHA-256 (first 16 hex digits) of every model file shipped in the package, by path."""
    from importlib import resources

    root = resources.files("newsaudit").joinpath("models")
    versions: dict[str, str] = {}

    def visit(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    visit(child, name + "/")
            elif not child.name.endswith((".py", ".pyc")):
                versions[name] = hashlib.sha256(child.read_bytes()).hexdigest()[:16]

    visit(root, "")
    return versions
