"""Record the JSON audits of a fixed input set, or compare a new recording with an earlier one.

A refactor must not change what the audit decides. This records, with timings removed, the audits of
`examples/`, the seed article, the first 300 FakeNewsCorpus bodies and the first 300 FNC-1 bodies, each
audited twice: once bare and once with a corpus, fact-check and source store built from the fictional
stores in `examples/` (so the corpus-wide stages run too). It uses only the public API, so the same script
records before and after a change:

    python benchmarks/compare_audits.py record build/audits-before.jsonl
    ... change the code ...
    python benchmarks/compare_audits.py record build/audits-after.jsonl
    python benchmarks/compare_audits.py compare build/audits-before.jsonl build/audits-after.jsonl

`compare` prints the differing audits' ids and first differing keys and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

from _common import REPO, data_dir

LIMIT = 300


SEED = REPO.parent / "shared" / "seed"


def _inputs(data: Path) -> list[tuple[str, str, str | None, str | None]]:
    """(label, text, format, url) for every input: the examples and seed as files, corpora as text bodies."""
    items: list[tuple[str, str, str | None, str | None]] = []
    for path in sorted((REPO / "examples").glob("0*")):
        format = "html" if path.suffix == ".html" else None
        items.append((f"examples/{path.name}", path.read_text(encoding="utf-8"), format, None))
    for path in sorted(SEED.glob("*.txt")):
        items.append((f"seed/{path.name}", path.read_text(encoding="utf-8"), None, None))
    csv.field_size_limit(1 << 30)
    news = data / "fakenewscorpus_sample" / "news_sample.csv"
    if news.exists():
        with news.open(encoding="utf-8", newline="") as handle:
            rows = [row for row in csv.DictReader(handle) if row["content"].strip()][:LIMIT]
        items += [(f"fakenewscorpus/{i}", row["content"], "text", row["url"] or None) for i, row in enumerate(rows)]
    bodies = data / "fnc1" / "train_bodies.csv"
    if bodies.exists():
        with bodies.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))[:LIMIT]
        items += [(f"fnc1/{row['Body ID']}", row["articleBody"], "text", None) for row in rows]
    return items


def _sources_of(items: list[tuple[str, str, str | None, str | None]], folder: Path) -> Path:
    """A JSONL corpus of earlier "wire" versions of some inputs (their first 60 %), so that the audits with a
    corpus find reuse: every fifth corpus body gets one."""
    path = folder / "wire.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number, (label, text, format, _) in enumerate(items):
            if format == "text" and number % 5 == 0 and len(text) > 600:
                record = {
                    "id": f"wire-{number}",
                    "url": f"https://wire.example/{number}",
                    "published": "2001-01-01",
                    "title": f"Wire copy of {label}",
                    "content": text[: int(len(text) * 0.6)],
                }
                handle.write(json.dumps(record) + "\n")
    return path


def _stores(folder: Path, items: list[tuple[str, str, str | None, str | None]]) -> dict[str, str]:
    """Corpus, fact-check and source stores from the fictional files in `examples/` (and the wire copies of
    `_sources_of` in the corpus), through the CLI."""
    from typer.testing import CliRunner

    from newsaudit.cli import app

    runner = CliRunner()
    paths = {name: str(folder / f"{name}.db") for name in ("corpus", "factchecks", "sources")}
    wire = _sources_of(items, folder)
    corpus = [str(REPO / "examples"), *map(str, sorted(SEED.glob("*.txt"))), str(wire)]
    for arguments in (
        ["corpus", "add", paths["corpus"], *corpus, "--text-field", "content", "--title-field", "title"],
        ["factchecks", "add", str(REPO / "examples" / "factchecks.jsonld"), "--db", paths["factchecks"]],
        ["sources", "add", str(REPO / "examples" / "site-ratings.list"), "--db", paths["sources"]],
    ):
        result = runner.invoke(app, arguments)
        if result.exit_code != 0:
            raise SystemExit(f"newsaudit {' '.join(arguments)} failed: {result.output}")
    return paths


def _plain(audit) -> dict:
    record = audit.to_dict()
    record.pop("timings", None)
    return record


def record(out: Path, data: Path) -> None:
    from newsaudit import Auditor

    items = _inputs(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        stores = _stores(Path(folder), items)
        with out.open("w", encoding="utf-8") as handle:
            for mode, auditor in (("bare", Auditor(workers=1)), ("stores", Auditor(workers=1, **stores))):
                for label, text, format, url in items:
                    audit = auditor.audit(text, format=format, url=url)
                    handle.write(json.dumps({"input": label, "mode": mode, "audit": _plain(audit)}, sort_keys=True))
                    handle.write("\n")
    print(f"recorded {len(items) * 2} audits in {out}")


def _first_difference(a, b, path: str = "") -> str:
    if type(a) is not type(b):
        return path or "<root>"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key, KeyError) != b.get(key, KeyError):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return path or "<root>"


def compare(before: Path, after: Path) -> int:
    def load(path: Path) -> dict:
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle]
        return {(row["mode"], row["input"]): row["audit"] for row in rows}

    old, new = load(before), load(after)
    differences = 0
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            differences += 1
            where = "missing" if key not in old or key not in new else _first_difference(old[key], new[key])
            print(f"{key[0]} {key[1]}: {where}")
    print(f"{len(old)} audits before, {len(new)} after, {differences} differ")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    recording = commands.add_parser("record")
    recording.add_argument("out", type=Path)
    recording.add_argument("--data", default=None)
    comparing = commands.add_parser("compare")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    arguments = parser.parse_args()
    if arguments.command == "record":
        record(arguments.out, data_dir(arguments.data))
    else:
        sys.exit(compare(arguments.before, arguments.after))


if __name__ == "__main__":
    main()
