"""The score card's table and page, and the floors table CI reads, without running an evaluation."""

from __future__ import annotations

import json
from pathlib import Path

from newsaudit.evaluation.scorecard import EVALUATIONS, render_markdown, run_all, value_at
from tests.conftest import REPO


def test_key_paths_reach_nested_and_dotted_keys() -> None:
    result = {"at_0.2": {"pair_recall": 0.98}, "span_f1": 0.97, "fnc1_bodies": {"baseline": {"bcubed_f1": 0.96}}}
    assert value_at(result, "at_0.2.pair_recall") == 0.98
    assert value_at(result, "fnc1_bodies.baseline.bcubed_f1") == 0.96
    assert value_at(result, "span_f1") == 0.97
    assert value_at(result, "missing.key") is None and value_at(result, "span_f1.deeper") is None


def test_without_data_every_evaluation_is_skipped_and_the_page_says_so(tmp_path: Path) -> None:
    card = run_all(tmp_path, slow=True)
    assert [row["name"] for row in card["evaluations"]] == [evaluation.name for evaluation in EVALUATIONS]
    assert all(row["status"] == "skipped" for row in card["evaluations"])
    assert card["models"] and all(len(digest.split()[0]) == 12 for digest in card["models"].values())
    page = render_markdown(card)
    assert page.startswith("# newsaudit score card") and page.count("*skipped*") == len(EVALUATIONS)
    for evaluation in EVALUATIONS:
        assert evaluation.component in page and (not evaluation.anchor or evaluation.anchor in page)


def test_slow_evaluations_wait_for_slow_or_only(tmp_path: Path) -> None:
    slow = [evaluation.name for evaluation in EVALUATIONS if evaluation.slow]
    assert slow
    card = run_all(tmp_path)
    reasons = {row["name"]: row["reason"] for row in card["evaluations"]}
    assert all(reasons[name].startswith("slow") for name in slow)
    only = run_all(tmp_path, only=slow[:1])
    assert [row["name"] for row in only["evaluations"]] == slow[:1] and only["evaluations"][0]["reason"].startswith(
        "not found"
    )


def test_the_floors_table_names_known_evaluations_and_keys() -> None:
    table = json.loads((REPO / "ci" / "floors.json").read_text())
    known = {evaluation.name: evaluation for evaluation in EVALUATIONS}
    for row in table["floors"]:
        assert row["evaluation"] in known, row
        assert not known[row["evaluation"]].slow, "a floor on a slow evaluation would slow every CI run"
        assert isinstance(row["floor"], (int, float)) and row["key"]
