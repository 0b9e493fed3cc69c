"""Fail CI when an evaluation drops below its pinned floor (ci/floors.json). Skips when the data is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSAUDIT_DATA") or REPO.parent / "shared" / "data")


def main() -> int:
    floors = json.loads((REPO / "ci" / "floors.json").read_text())
    benchmark = DATA / "article_extraction_benchmark"
    if not benchmark.exists():
        print(f"floors: skipped, {benchmark} not found")
        return 0
    command = [
        "newsaudit",
        "eval",
        "extraction",
        str(benchmark / "html"),
        str(benchmark / "ground-truth.json"),
        "--compare",
    ]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    floor = floors["extraction"]["f1"]
    print(
        f"floors: extraction f1 {result['f1']} (floor {floor}), trafilatura {result['trafilatura']['f1']}, "
        f"n={result['n']}"
    )
    failures = []
    if result["f1"] < floor:
        failures.append(f"extraction f1 {result['f1']} is below its floor {floor}")
    if result["f1"] < result["trafilatura"]["f1"]:
        failures.append("extraction f1 is below plain trafilatura measured in the same run")
    for failure in failures:
        print(f"floors: FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
