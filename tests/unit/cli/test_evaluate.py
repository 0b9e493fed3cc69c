"""`newsaudit eval …` contracts on fictional inputs: `eval emergent` and the `--folds` options."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app

runner = CliRunner()

#: Fictional claims and headlines in Emergent's layout.
ROWS = [
    ("Marlow Island ferry will stop running in May", "Marlow Island ferry will stop running in May", "for"),
    ("Marlow Island ferry will stop running in May", "Hoax: no, the Marlow ferry is not stopping", "against"),
    ("Marlow Island ferry will stop running in May", "Is the Marlow ferry about to stop, sources claim?", "observing"),
    ("Brindle zoo panda is pregnant", "Brindle zoo confirms its panda is pregnant", "for"),
]


@pytest.fixture
def emergent_csv(tmp_path):
    path = tmp_path / "emergent.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId", "claimId"])
        for number, (claim, headline, stance) in enumerate(ROWS):
            writer.writerow([number, claim, headline, stance, f"a{number}", claim[:6]])
    return path


def test_eval_emergent_prints_one_json_object_with_the_contract_keys(emergent_csv):
    result = runner.invoke(app, ["eval", "emergent", str(emergent_csv)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"accuracy", "macro_f1", "f1", "n"} <= set(report)
    assert report["n"] == len(ROWS) and set(report["f1"]) == {"for", "against", "observing"}
    assert 0.0 <= report["accuracy"] <= 1.0


def test_eval_emergent_compare_adds_the_mapped_fnc_model(emergent_csv):
    result = runner.invoke(app, ["eval", "emergent", str(emergent_csv), "--compare"])
    assert result.exit_code == 0, result.output
    assert {"accuracy", "macro_f1", "f1", "n"} <= set(json.loads(result.stdout)["fnc_mapped"])


def test_eval_emergent_reports_a_bad_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("claimHeadline,articleHeadline\nA fictional claim,A fictional headline\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "emergent", str(bad)])
    assert result.exit_code == 2 and "articleHeadlineStance" in result.output


def test_eval_emergent_folds_needs_a_fold_for_every_row(emergent_csv):
    pytest.importorskip("sklearn")
    (emergent_csv.parent / "cv_folds_train.csv").write_text("articleId,claimId,fold\na0,x,1\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "emergent", str(emergent_csv), "--folds", "--quiet"])
    assert result.exit_code == 2 and "no fold" in result.output


@pytest.mark.parametrize(("given", "k"), [(["--folds"], 5), (["--folds", "3"], 3)])
def test_eval_stance_folds_takes_an_optional_k(monkeypatch, tmp_path, given, k):
    import newsaudit.training.stance_folds as stance_folds

    seen = {}

    def fake(bodies, stances, k, seed, log):
        seen.update(k=k, seed=seed)
        return {"k": k, "mean": {}, "std": {}}

    monkeypatch.setattr(stance_folds, "evaluate_folds", fake)
    bodies, stances = tmp_path / "bodies.csv", tmp_path / "stances.csv"
    result = runner.invoke(app, ["eval", "stance", str(bodies), str(stances), *given])
    assert result.exit_code == 0, result.output
    assert seen["k"] == k and json.loads(result.stdout)["k"] == k


def test_eval_stance_folds_refuses_one_fold(tmp_path):
    result = runner.invoke(app, ["eval", "stance", "b.csv", "s.csv", "--folds", "1"])
    assert result.exit_code == 2


def test_eval_checkworthy_folds_finds_claimbuster_beside_the_data(monkeypatch, tmp_path):
    import newsaudit.training.checkworthy_folds as checkworthy_folds

    data = tmp_path / "data"
    training = data / "clef2019_checkthat_task1" / "training"
    training.mkdir(parents=True)
    (data / "claimbuster").mkdir()
    (data / "claimbuster" / "kfold_25ncs.json").write_text("[]", encoding="utf-8")
    seen = {}

    def fake(folder, claimbuster, workers, log):
        seen["claimbuster"] = claimbuster
        return {"map": 0.0, "mean": {}, "std": {}}

    monkeypatch.setattr(checkworthy_folds, "evaluate_folds", fake)
    result = runner.invoke(app, ["eval", "checkworthy", str(training), "--folds"])
    assert result.exit_code == 0, result.output
    assert seen["claimbuster"] == (data / "claimbuster" / "kfold_25ncs.json").resolve()
