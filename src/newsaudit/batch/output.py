"""The output folder of a batch: part files written whole or not at all, and the manifest that says which.

    DIR/audits/part-NNNNN.parquet   one row per article (`batch.rows.AUDIT_COLUMNS`)
    DIR/errors/part-NNNNN.parquet   one row per error
    DIR/signatures/part-NNNNN.parquet, DIR/reuse/part-NNNNN.parquet   with a corpus (`batch.corpus`)
    DIR/plan.json                   the shards (file + record range), their input files' sizes and times
    DIR/manifest.json               what the run is (inputs, settings, versions) and each finished shard

A part file is written under a hidden temporary name and renamed (`files.atomic_write`), and a shard counts
as done only when the manifest, itself rewritten atomically after both of its files, lists it with their row
counts and checksums. A run killed at any moment leaves finished shards and, at worst, a part file whose
shard the manifest does not list yet: the rerun writes it again, identically, under the same name.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

from newsaudit.errors import BatchError
from newsaudit.files import atomic_write, write_text

FORMATS = ("parquet", "jsonl")
MANIFEST = "manifest.json"
PLAN = "plan.json"
SUMMARY = "summary.html"
#: The folders of the part files: audits and errors; with --corpus also signatures and reuse (`batch.corpus`).
AUDITS, ERRORS = "audits", "errors"
KINDS = (AUDITS, ERRORS, "signatures", "reuse")
#: Part files only newsaudit reads are Parquet whatever `--format` says.
_ALWAYS_PARQUET = ("signatures",)
#: The corpus-wide phase's steps the manifest keeps, each by shard name.
PHASES = ("indexed", "reuse")


def part_path(folder: Path, kind: str, name: str, format: str) -> Path:
    """Where a shard's part file of `kind` is."""
    return folder / kind / f"{name}.{'parquet' if kind in _ALWAYS_PARQUET else format}"


class Manifest:
    """`DIR/manifest.json`: the run's identity, its finished shards (`done`, by shard name) and, with a corpus,
    the shards each later step has finished (`phases`: `indexed`, `reuse` = looked up)."""

    def __init__(
        self,
        folder: Path,
        identity: dict[str, Any],
        done: dict[str, dict[str, Any]] | None = None,
        phases: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.folder = folder
        self.identity = identity
        self.done: dict[str, dict[str, Any]] = done or {}
        self.phases: dict[str, dict[str, Any]] = {phase: dict((phases or {}).get(phase) or {}) for phase in PHASES}

    @classmethod
    def open(cls, folder: Path, identity: dict[str, Any], *, force: bool = False) -> Manifest:
        """The folder's manifest when it was made by the same run; a fresh one for a new or empty folder.

        A manifest of another run (other inputs, settings, shard size, format, package or model versions)
        is refused with what differs, unless `force`, which starts the folder over.
        """
        path = folder / MANIFEST
        if not path.exists():
            return cls(folder, identity)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise BatchError(f"{path} cannot be read ({error}); remove it or use --force") from None
        if data.get("identity") != identity:
            if not force:
                differences = ", ".join(_differences(data.get("identity") or {}, identity)) or "its layout"
                raise BatchError(
                    f"{folder} holds the output of another run (it differs in {differences}); rerun that command "
                    "to finish it, choose another --out, or add --force to start this folder over"
                )
            clear(folder)
            return cls(folder, identity)
        return cls(folder, identity, data.get("done") or {}, data.get("phases"))

    def is_done(self, name: str, format: str) -> bool:
        """Listed as finished, and both of its files still there with the size the manifest recorded."""
        entry = self.done.get(name)
        if entry is None:
            return False
        return all(_intact(self.folder, kind, name, format, entry[kind]) for kind in KINDS if kind in entry)

    def is_marked(self, phase: str, name: str, format: str) -> bool:
        """Whether the corpus-wide step `phase` finished shard `name` (and its part file, if any, is intact)."""
        entry = self.phases[phase].get(name)
        return entry is not None and (phase not in entry or _intact(self.folder, phase, name, format, entry[phase]))

    def mark_done(self, name: str, entry: dict[str, Any]) -> None:
        self.done[name] = entry
        self.save()

    def mark(self, phase: str, name: str, entry: dict[str, Any]) -> None:
        self.phases[phase][name] = entry
        self.save()

    def save(self) -> None:
        data: dict[str, Any] = {"identity": self.identity, "done": dict(sorted(self.done.items()))}
        if any(self.phases.values()):
            data["phases"] = {phase: dict(sorted(names.items())) for phase, names in self.phases.items()}
        write_text(self.folder / MANIFEST, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _intact(folder: Path, kind: str, name: str, format: str, written: dict[str, Any]) -> bool:
    path = part_path(folder, kind, name, format)
    return path.is_file() and path.stat().st_size == written["bytes"]


def clear(folder: Path) -> None:
    """Remove what a batch wrote in `folder` (its part files, report pages, plan, manifest and summary), nothing
    else."""
    for kind in KINDS:
        for path in (folder / kind).glob("part-*"):
            path.unlink()
    for path in (folder / "reports").glob("*.html"):
        path.unlink()
    for name in (PLAN, MANIFEST, SUMMARY):
        (folder / name).unlink(missing_ok=True)


def remove_temporaries(folder: Path) -> None:
    """Hidden half-written files a killed run left behind (never listed in the manifest)."""
    for kind in KINDS:
        for path in (folder / kind).glob(".part-*"):
            path.unlink(missing_ok=True)


def write_shard(folder: Path, name: str, tables: dict[str, Any], format: str) -> dict[str, Any]:
    """Write a shard's part files (`tables` by kind) atomically; their row counts, sizes and SHA-256, for the
    manifest."""
    entry: dict[str, Any] = {}
    for kind, table in tables.items():
        target = part_path(folder, kind, name, format)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = _encode(table, target.suffix.lstrip("."))
        with atomic_write(target, "wb") as handle:
            handle.write(data)
        entry[kind] = {"rows": table.num_rows, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return entry


def _encode(table: Any, format: str) -> bytes:
    if format == "parquet":
        import pyarrow.parquet as pq

        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        return buffer.getvalue()
    if "audit_json" in table.column_names:
        # JSONL: the audits exactly as `newsaudit audit --format jsonl` writes them.
        return "".join(value + "\n" for value in table.column("audit_json").to_pylist()).encode("utf-8")
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in table.to_pylist()).encode("utf-8")


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    keys = sorted(set(old) | set(new))
    out = []
    for key in keys:
        if old.get(key) == new.get(key):
            continue
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            inner = sorted(k for k in set(old[key]) | set(new[key]) if old[key].get(k) != new[key].get(k))
            out.append(f"{key} ({', '.join(inner[:4])})")
        else:
            out.append(key)
    return out
