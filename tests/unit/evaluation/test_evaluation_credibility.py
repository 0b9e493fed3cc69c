"""`newsaudit eval credibility`: reading the contract CSV, domain-disjoint folds, both models on the same folds."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app
from newsaudit.evaluation.credibility import (
    balanced_weights,
    domain_folds,
    fit_explained,
    read_rows,
    write_contract_csv,
)

pytest.importorskip("sklearn")

# Fiction: two kinds of site. The "low" sites shout, award themselves badges and lean on anonymous insiders;
# the "high" sites name their sources. Each site writes several articles.
LOW = (
    "SHOCKING Truth About {topic} They Don't Want You To Know!!\n\nVerified ✓\n\n"
    "Anonymous insiders say the {topic} plan is a disgusting hoax pushed by a secret cabal. "
    "Sources close to the council claimed the whole thing is rigged!!! WAKE UP, one insider warned. "
    "Nobody at the town hall will say who signed the {topic} deal, and the council has not answered a single "
    "question about it, insiders say."
)
HIGH = (
    "Council Approves {topic} Plan\n\n"
    "The town council approved the {topic} plan on Tuesday, council member Dana Whitfield said. "
    "Planning officer Marcus Lee told reporters the work would start in March and cost 1.2 million dollars. "
    "The residents' association said in a statement that it welcomed the decision. "
    "Work on the {topic} is expected to last about eight months, the council's published minutes show."
)
TOPICS = ("harbor", "library", "bridge", "school", "market", "tram")


def write_fixture(path):
    rows = []
    for site in range(4):
        for topic in TOPICS[:3]:
            rows.append({"text": LOW.format(topic=topic), "domain": f"loud{site}.test", "label": "fake"})
            rows.append({"text": HIGH.format(topic=topic), "domain": f"calm{site}.test", "label": "reliable"})
    rows.append({"text": "A story.", "domain": "odd.test", "label": "unknown-label"})
    rows.append({"text": "Council Meets\n\nThe council met on Tuesday.", "domain": "stub.test", "label": "fake"})
    rows.append({"text": "", "domain": "empty.test", "label": "fake"})
    for row in rows:
        row["title"] = row["text"].split("\n")[0]
        row["text"] = row["text"].split("\n\n", 1)[-1]
    write_contract_csv(rows, path)
    return rows


def test_domain_folds_never_split_a_domain():
    domains = ["a"] * 5 + ["b"] * 3 + ["c"] * 3 + ["d"] * 2 + ["e"]
    folds = domain_folds(domains, 3)
    for domain in set(domains):
        assert len({f for d, f in zip(domains, folds, strict=True) if d == domain}) == 1
    assert len(set(folds)) == 3
    assert domain_folds(["x", "y"], 5) in ([0, 1], [1, 0])  # never more folds than domains


def test_read_rows_maps_labels_and_skips_the_unusable(tmp_path):
    path = tmp_path / "labelled.csv"
    write_fixture(path)
    rows, skipped = read_rows(path)
    assert skipped == 2
    sites = [row for row in rows if row.domain != "stub.test"]  # the stub the pipeline will not assess
    assert len(rows) == 25 and len(sites) == 24 and sum(row.low for row in sites) == 12
    assert all(row.low == row.domain.startswith("loud") for row in sites)
    numeric = tmp_path / "numeric.csv"
    write_contract_csv([{"text": "x y z", "domain": "a.test", "label": "0"}], numeric)
    assert read_rows(numeric)[0] == [] and read_rows(numeric, ["0"])[0][0].low


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "bad.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows([["body", "label"], ["text", "fake"]])
    with pytest.raises(ValueError, match="domain"):
        read_rows(path)


def test_balanced_weights_equalise_classes_per_group():
    low = [True, True, True, False, True, False]
    groups = ["a", "a", "a", "a", "b", "b"]
    weights = balanced_weights(low, groups)
    for group in "ab":
        for label in (True, False):
            total = sum(w for w, g, y in zip(weights, groups, low, strict=True) if g == group and y == label)
            assert total == pytest.approx(len(low) / 4)


def test_fit_respects_documented_signs():
    # Data in which anonymous sourcing goes with *credible* articles: the fit may not turn its sign around.
    values = [{"anonymous_sourcing": 0.9, "shouting": 0.0}] * 20 + [{"anonymous_sourcing": 0.0, "shouting": 9.0}] * 20
    low = [False] * 20 + [True] * 20
    model = fit_explained(values, low, prior_articles=1.0)
    coefficients = {f.signal: f.coefficient for f in model.features}
    assert coefficients["anonymous_sourcing"] >= 0
    assert coefficients["shouting"] > 0
    documented_only = fit_explained(values, low, fit_weights=False)
    assert {f.signal: f.coefficient for f in documented_only.features}["anonymous_sourcing"] == pytest.approx(1.5)


def test_eval_credibility_prints_both_models(tmp_path):
    path = tmp_path / "labelled.csv"
    write_fixture(path)
    result = CliRunner().invoke(app, ["eval", "credibility", str(path), "--folds", "4", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("auc", "f1", "accuracy", "n", "baseline_auc", "baseline_f1", "baseline_accuracy"):
        assert key in data
    assert data["n"] == 24 and data["skipped"] == 2 and data["n_domains"] == 8
    assert set(data["baseline"]) >= {"auc", "f1", "accuracy"}
    assert data["split"].startswith("domain-disjoint")
    # The two kinds of site differ in every signal the model reads: held-out sites are told apart.
    assert data["auc"] >= 0.9


def test_eval_credibility_reports_spread_beside_discrimination(tmp_path):
    """Per-fold AUCs with their mean and spread, the score distribution with its bands, and the stub the
    pipeline does not assess counted apart rather than scored."""
    path = tmp_path / "labelled.csv"
    write_fixture(path)
    result = CliRunner().invoke(app, ["eval", "credibility", str(path), "--folds", "4", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["auc_folds"]) == 4 and data["auc_fold_mean"] is not None and data["auc_fold_std"] >= 0
    assert data["n_not_assessed"] == 1 and data["not_assessed"] == {"too short": 1}
    for key in ("score_spread", "score_spread_out_of_fold"):
        spread = data[key]
        assert spread["min"] <= spread["p10"] <= spread["p50"] <= spread["p90"] <= spread["max"]
        assert set(spread["bands"]) == {"low", "mixed", "high", "not_assessed"}
    assert data["score_spread"]["n"] == 24 and data["score_spread"]["bands"]["not_assessed"] == pytest.approx(1 / 25)
    assert sum(data["score_spread"]["bands"].values()) == pytest.approx(1.0)
    # Twelve articles a class from four sites each: too thin to trust the AUC, and the output says so.
    assert "12 low articles from 4 sites" in data["thin"]


def test_eval_credibility_refuses_a_one_label_file(tmp_path):
    path = tmp_path / "one.csv"
    write_contract_csv([{"text": "A b c d.", "domain": f"s{i}.test", "label": "fake"} for i in range(3)], path)
    result = CliRunner().invoke(app, ["eval", "credibility", str(path), "-q"])
    assert result.exit_code == 2 and "both labels" in result.output
