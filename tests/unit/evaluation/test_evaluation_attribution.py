import json

import pytest
from typer.testing import CliRunner

from newsaudit.cli import app
from newsaudit.evaluation.attribution import Relation, load_split, score, univocal

# A fictional article and a hand-made brat annotation of it (offsets are code points into the text).
TEXT = "Ferry Late Again\n\nThe harbour master said the ferry was late. “It is fixed,” the operator said.\n"
ANN = """T1\tSource 18 36\tThe harbour master
T2\tCue 37 41\tsaid
T3\tContent 42 61\tthe ferry was late.
T4\tAttribution 37 41\tsaid
E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3
T5\tContent 62 76\t“It is fixed,”
T6\tSource 77 89\tthe operator
T7\tCue 90 94\tsaid
T8\tAttribution 90 94\tsaid
E2\tAttribution:T8 Content:T5 Cue:T7 Source:T6
"""


@pytest.fixture
def split(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "ferry.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "ferry_a1.ann").write_text(ANN, encoding="utf-8")
    (tmp_path / "attributions" / "ferry_b2.ann").write_text("", encoding="utf-8")  # a second annotator: ignored
    return tmp_path


def test_evaluation_brat_relations_are_read_with_all_roles(split):
    [article] = load_split(split)
    assert [(TEXT[r.source[0][0] : r.source[0][1]], TEXT[r.cue[0][0] : r.cue[0][1]]) for r in article.relations] == [
        ("The harbour master", "said"),
        ("the operator", "said"),
    ]


def test_evaluation_perfect_prediction_scores_one_and_empty_scores_zero(split):
    [article] = load_split(split)
    perfect = score([(article.text, article.relations, article.relations)])
    assert perfect["relation_f1"] == perfect["source_f1"] == perfect["cue_exact_f1"] == 1.0
    empty = score([(article.text, [], article.relations)])
    assert empty["relation_f1"] == 0.0 and empty["n_gold_relations"] == 2


def test_evaluation_relation_needs_source_and_cue_overlap(split):
    [article] = load_split(split)
    wrong_source = Relation(source=((62, 70),), cue=((37, 41),), content=())
    right = Relation(source=((22, 36),), cue=((37, 41),), content=())
    result = score([(article.text, [wrong_source, right], article.relations)])
    assert result["relation_precision"] == 0.5 and result["relation_recall"] == 0.5


def test_evaluation_univocal_drops_relations_nested_in_another_content():
    outer = Relation(source=((0, 3),), cue=((4, 8),), content=((9, 40),))
    inner = Relation(source=((9, 10),), cue=((11, 16),), content=((17, 30),))
    assert univocal([outer, inner]) == [outer]


def test_cli_eval_attribution_prints_the_contract(split):
    result = CliRunner().invoke(app, ["eval", "attribution", str(split), "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {
        "source_f1",
        "cue_f1",
        "content_f1",
        "source_exact_f1",
        "cue_exact_f1",
        "content_exact_f1",
        "relation_f1",
        "n_articles",
    } <= set(data)
    assert data["n_articles"] == 1 and data["relation_f1"] == 1.0
    assert "lexical_only" not in data


def test_cli_eval_attribution_compare_scores_the_lexical_reference_too(split):
    result = CliRunner().invoke(app, ["eval", "attribution", str(split), "--workers", "1", "--compare"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    reference = data["lexical_only"]
    assert set(reference) == set(data) - {"lexical_only"}
    assert reference["n_articles"] == 1 and reference["relation_f1"] == 1.0


def test_cli_eval_attribution_refuses_a_folder_without_the_layout(tmp_path):
    result = CliRunner().invoke(app, ["eval", "attribution", str(tmp_path)])
    assert result.exit_code == 2 and "text/ and attributions/" in result.stderr
