"""Fail CI when an evaluation drops below its pinned floor. One table, ci/floors.json: rows of (evaluation,
key path, floor[, a baseline it must reach, a flag that must hold]); the evaluations are `newsaudit eval all`'s
(one run for all of them). Skips what has no data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from newsaudit.evaluation.scorecard import value_at

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSAUDIT_DATA") or REPO.parent / "shared" / "data")


def main() -> int:
    table = json.loads((REPO / "ci" / "floors.json").read_text())
    rows = table["floors"]
    names = sorted({row["evaluation"] for row in rows})
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        card_path = Path(folder) / "scorecard.json"
        only = [argument for name in names for argument in ("--only", name)]
        done = subprocess.run(
            ["newsaudit", "eval", "all", "--data", str(DATA), *only, "--json", str(card_path), "-q"],
            capture_output=True,
            text=True,
        )
        if not card_path.exists():
            print(done.stderr[-3000:])
            print("floors: FAIL newsaudit eval all wrote no score card")
            return 1
        card = json.loads(card_path.read_text())
    results = {row["name"]: row for row in card["evaluations"]}
    for row in rows:
        found = results.get(row["evaluation"], {"status": "missing"})
        label = f"{row['evaluation']} {row['key']}"
        if found["status"] == "skipped":
            print(f"floors: {label} skipped ({found.get('reason', '')})")
            continue
        if found["status"] != "ok":
            failures.append(f"{label}: the evaluation {found['status']}: {found.get('reason', '')[-500:]}")
            continue
        value = value_at(found["result"], row["key"])
        line = f"floors: {label} {value} (floor {row['floor']}"
        if "beats" in row:
            baseline = value_at(found["result"], row["beats"])
            line += f"; must reach {row['beats']} {baseline}"
            if value is not None and baseline is not None and value < baseline:
                failures.append(f"{label} {value} is below {row['beats']} {baseline} measured in the same run")
        if "true" in row:
            flag = value_at(found["result"], row["true"])
            line += f"; {row['true']} {flag}"
            if flag is not True:
                failures.append(f"{label}: {row['true']} does not hold")
        print(line + f", {found['seconds']} s)")
        if value is None or value < row["floor"]:
            failures.append(f"{label} {value} is below its floor {row['floor']}")
    seed = sorted((DATA.parent / "seed").glob("*.txt"))
    if seed:
        audit = json.loads(
            subprocess.run(
                ["newsaudit", "audit", str(seed[0]), "--format", "json", "-q"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        expected = set(table["seed"]["lowered_by"])
        lowering = {s["name"] for s in audit["signals"] if s["direction"] == "lowers"}
        print(
            f"floors: seed credibility {audit['credibility']['label']} {audit['credibility']['score']}, lowered by "
            f"{sorted(lowering)}"
        )
        if audit["credibility"]["label"] == "high":
            failures.append("the seed article is rated high credibility")
        if not expected <= lowering:
            failures.append(f"the seed's assessment misses {sorted(expected - lowering)}")
    for failure in failures:
        print(f"floors: FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
