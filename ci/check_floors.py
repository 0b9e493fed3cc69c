"""Fail CI when an evaluation drops below its pinned floor (ci/floors.json). Skips when the data is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("NEWSAUDIT_DATA") or REPO.parent / "shared" / "data")


def run(command: list[str]) -> dict:
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main() -> int:
    floors = json.loads((REPO / "ci" / "floors.json").read_text())
    failures = []
    benchmark = DATA / "article_extraction_benchmark"
    if benchmark.exists():
        result = run(
            [
                "newsaudit",
                "eval",
                "extraction",
                str(benchmark / "html"),
                str(benchmark / "ground-truth.json"),
                "--compare",
            ]
        )
        floor = floors["extraction"]["f1"]
        print(
            f"floors: extraction f1 {result['f1']} (floor {floor}), trafilatura {result['trafilatura']['f1']}, "
            f"n={result['n']}"
        )
        if result["f1"] < floor:
            failures.append(f"extraction f1 {result['f1']} is below its floor {floor}")
        if result["f1"] < result["trafilatura"]["f1"]:
            failures.append("extraction f1 is below plain trafilatura measured in the same run")
    else:
        print(f"floors: extraction skipped, {benchmark} not found")
    polnear = DATA / "polnear" / "dev"
    if polnear.exists():
        result = run(["newsaudit", "eval", "attribution", str(polnear)])
        print(
            f"floors: attribution relation_f1 {result['relation_f1']}, source_f1 {result['source_f1']} "
            f"(floors {floors['attribution']['relation_f1']}, {floors['attribution']['source_f1']})"
        )
        for key in ("relation_f1", "source_f1"):
            if result[key] < floors["attribution"][key]:
                failures.append(f"attribution {key} {result[key]} is below its floor {floors['attribution'][key]}")
    else:
        print(f"floors: attribution skipped, {polnear} not found")
    clef = DATA / "clef2019_checkthat_task1" / "training"
    if clef.exists():
        result = run(["newsaudit", "eval", "checkworthy", str(clef), "--dev"])
        print(
            f"floors: checkworthy map {result['map']} (floor {floors['checkworthy']['map']}), "
            f"n_files={result['n_files']}"
        )
        if result["map"] < floors["checkworthy"]["map"]:
            failures.append(f"checkworthy map {result['map']} is below its floor {floors['checkworthy']['map']}")
    else:
        print(f"floors: checkworthy skipped, {clef} not found")
    emergent = DATA / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    if emergent.exists():
        result = run(["newsaudit", "eval", "matching", str(emergent)])
        floor = floors["matching"]["recall_at_5"]
        print(
            f"floors: matching recall_at_5 {result['recall_at_5']} (floor {floor}), "
            f"BM25 alone {result['lexical']['recall_at_5']}, n={result['n']}"
        )
        if result["recall_at_5"] < floor:
            failures.append(f"matching recall_at_5 {result['recall_at_5']} is below its floor {floor}")
        if result["recall_at_5"] < result["lexical"]["recall_at_5"]:
            failures.append("matching recall_at_5 is below BM25 alone measured in the same run")
    else:
        print(f"floors: matching skipped, {emergent} not found")
    if (DATA / "fnc1").exists():
        result = run(["newsaudit", "eval", "reuse", str(DATA)])
        got = {
            "pair_recall": result["at_0.2"]["pair_recall"],
            "pair_precision": result["at_0.2"]["pair_precision"],
            "span_f1": result["span_f1"],
        }
        print(f"floors: reuse {got} (floors { ({k: floors['reuse'][k] for k in got}) }), n={result['n_articles']}")
        for key, value in got.items():
            if value is None or value < floors["reuse"][key]:
                failures.append(f"reuse {key} {value} is below its floor {floors['reuse'][key]}")
    else:
        print(f"floors: reuse skipped, {DATA / 'fnc1'} not found")
    if (DATA / "fnc1").exists() or (DATA / "emergent").exists():
        lines = subprocess.run(
            ["newsaudit", "eval", "stories", str(DATA)], check=True, capture_output=True, text=True
        ).stdout.splitlines()
        for result in map(json.loads, lines):
            name, floor = result["dataset"], floors["stories"].get(result["dataset"], {})
            if "baseline" in result:
                print(
                    f"floors: stories {name} bcubed_f1 {result['bcubed_f1']} pairwise_f1 {result['pairwise_f1']} "
                    f"(floor {floor.get('bcubed_f1')}), TF-IDF average link at its best threshold "
                    f"{result['baseline']['bcubed_f1']} / {result['baseline']['pairwise_f1']}, n={result['n']}"
                )
                if not result["beats_baseline"]:
                    failures.append(f"stories {name}: bcubed_f1 does not beat the baseline at its best threshold")
            else:
                print(f"floors: stories {name} {result} (floors {floor})")
            for key, value in floor.items():
                if key != "comment" and result[key] < value:
                    failures.append(f"stories {name} {key} {result[key]} is below its floor {value}")
    else:
        print(f"floors: stories skipped, neither {DATA / 'fnc1'} nor {DATA / 'emergent'} found")
    sample = DATA / "fakenewscorpus_sample" / "news_sample.csv"
    if sample.exists():
        import tempfile

        from newsaudit.evaluation.credibility import fakenewscorpus_rows, write_contract_csv

        with tempfile.TemporaryDirectory() as folder:
            contract = Path(folder) / "fakenewscorpus.csv"
            write_contract_csv(fakenewscorpus_rows(sample), contract)
            result = run(["newsaudit", "eval", "credibility", str(contract), "-q"])
        floor = floors["credibility"]["auc"]
        print(
            f"floors: credibility auc {result['auc']} (floor {floor}), TF-IDF baseline {result['baseline_auc']}, "
            f"n={result['n']}, {result['split']}"
        )
        if result["auc"] < floor:
            failures.append(f"credibility auc {result['auc']} is below its floor {floor}")
    else:
        print(f"floors: credibility skipped, {sample} not found")
    seed = sorted((DATA.parent / "seed").glob("*.txt"))
    if seed:
        audit = run(["newsaudit", "audit", str(seed[0]), "--format", "json", "-q"])
        expected = set(floors["seed"]["lowered_by"])
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
