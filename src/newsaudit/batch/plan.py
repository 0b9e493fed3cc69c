"""Cutting a crawl into shards: deterministic (file, record range) pieces, the unit that is done exactly once.

A shard is a list of parts, each a range of records of one input file (records as the readers number them:
a one-article file is one record; a JSONL, CSV, JSON, WARC or Parquet file holds many). Small files are
grouped and a large file is cut, so that every shard holds `shard_size` records (the last one fewer). The
plan is a pure function of the inputs and the shard size, so a shard's output is a pure function of its
input, the settings and the model versions, and a rerun can tell which shards are already done.

Counting the records of a multi-record file reads it once (the cost of reading, not of auditing); the plan
is then kept beside the output (`plan.json`) so that a resumed run does not count again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.errors import SettingsError
from newsaudit.ingest.readers import FieldMap, ReadFailure, input_files, read

#: Records per shard by default: a few minutes of one core's work, small enough to lose little to a crash.
DEFAULT_SHARD_SIZE = 500
#: The largest shard: a shard's audits are held (as Arrow) on its worker until the shard is done, about
#: 60 kB an article, so 10,000 records bound that to some 600 MB beside the pipeline.
MAX_SHARD_SIZE = 10_000
#: Formats whose file is always one article.
_ONE_RECORD = ("html", "text")


@dataclass(frozen=True, slots=True)
class Part:
    """Records `start` to `stop` (exclusive) of one input file; `failure` when the file could not be listed."""

    path: str
    start: int
    stop: int
    failure: str | None = None

    @property
    def size(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True, slots=True)
class Shard:
    """One unit of output: `parts` in input order, numbered from 0 (its files are `part-NNNNN.*`)."""

    number: int
    parts: tuple[Part, ...]

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    @property
    def name(self) -> str:
        return f"part-{self.number:05d}"

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "parts": [[p.path, p.start, p.stop, p.failure] for p in self.parts]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Shard:
        return cls(int(data["number"]), tuple(Part(str(a), int(b), int(c), d) for a, b, c, d in data["parts"]))


def halves(shard: Shard) -> list[Shard]:
    """`shard` cut into two smaller pieces (same number), or `[]` when it is a single record: how a record
    that crashes workers is isolated."""
    if shard.size <= 1:
        return []
    if len(shard.parts) > 1:
        middle = len(shard.parts) // 2
        return [Shard(shard.number, shard.parts[:middle]), Shard(shard.number, shard.parts[middle:])]
    (part,) = shard.parts
    middle = part.start + part.size // 2
    return [
        Shard(shard.number, (Part(part.path, part.start, middle),)),
        Shard(shard.number, (Part(part.path, middle, part.stop),)),
    ]


def check_shard_size(shard_size: int) -> int:
    if not isinstance(shard_size, int) or not 1 <= shard_size <= MAX_SHARD_SIZE:
        raise SettingsError(
            f"--shard-size must be 1 to {MAX_SHARD_SIZE:,} records, not {shard_size!r}: a shard's audits are held "
            "in its worker's memory until it is done (about 60 kB an article)"
        )
    return shard_size


def plan_shards(
    inputs: Sequence[str | Path],
    shard_size: int = DEFAULT_SHARD_SIZE,
    *,
    format: str | None = None,
    fields: FieldMap | None = None,
    max_bytes: int = 10_000_000,
    on_skip: Callable[[str, str], None] | None = None,
) -> list[Shard]:
    """The shards of `inputs` (files, directories, globs already expanded by the shell), in input order; what
    a directory walk leaves out (hidden names, other extensions) is reported to `on_skip(path, reason)`."""
    check_shard_size(shard_size)
    if any(str(item) == "-" for item in inputs):
        raise SettingsError("a batch cannot read standard input (it could not be resumed): give files or folders")
    parts = _parts(inputs, format, fields or FieldMap(), max_bytes, on_skip)
    return list(_pack(parts, shard_size))


def file_stamps(shards: Iterable[Shard]) -> dict[str, list[int]]:
    """Size and modification time of every input file of the plan: a resumed run checks them unchanged."""
    stamps: dict[str, list[int]] = {}
    for shard in shards:
        for part in shard.parts:
            if part.failure is None and part.path not in stamps:
                try:
                    info = os.stat(part.path)
                    stamps[part.path] = [info.st_size, info.st_mtime_ns]
                except OSError:
                    stamps[part.path] = [-1, -1]
    return stamps


def _parts(
    inputs: Sequence[str | Path], format: str | None, fields: FieldMap, max_bytes: int, on_skip
) -> Iterator[Part]:
    for item in input_files(inputs, format, on_skip):
        if isinstance(item, ReadFailure):
            yield Part(item.source, 0, 1, failure=str(item.error))
            continue
        chosen = format or _format_of(item)
        if chosen in _ONE_RECORD:
            yield Part(str(item), 0, 1)
            continue
        count = sum(1 for _ in read([item], format=format, fields=fields, max_bytes=max_bytes))
        if count:
            yield Part(str(item), 0, count)


def _format_of(path: Path) -> str:
    from newsaudit.ingest.readers import detect_format

    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return "html"  # unreadable: one record, which the reader turns into its failure
    return detect_format(path.name, head)


def _pack(parts: Iterable[Part], shard_size: int) -> Iterator[Shard]:
    number, current, filled = 0, [], 0
    for part in parts:
        start = part.start
        while start < part.stop:
            take = min(shard_size - filled, part.stop - start)
            current.append(Part(part.path, start, start + take, part.failure))
            filled += take
            start += take
            if filled == shard_size:
                yield Shard(number, tuple(current))
                number, current, filled = number + 1, [], 0
    if current:
        yield Shard(number, tuple(current))
