import gzip
import json

import pytest

from newsaudit.evaluation.extraction import evaluate, score_page, shingles, summarise


def test_evaluation_shingles_are_a_multiset_of_four_token_windows():
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("only two") == {("only", "two"): 1}
    assert shingles("") == {}


def test_evaluation_identical_texts_score_one_and_disjoint_zero():
    text = "The fictional ferry left the harbour at dawn on Sunday."
    same = score_page(text, text)
    assert (same.precision, same.recall, same.exact) == (1.0, 1.0, True)
    other = score_page("Nothing in common with the other words here at all.", text)
    assert (other.precision, other.recall) == (0.0, 0.0)


def test_evaluation_partial_overlap_by_hand():
    gold = "one two three four five six"  # 3 shingles
    predicted = "one two three four five six seven eight"  # 5 shingles, 3 of them right
    score = score_page(predicted, gold)
    assert score.precision == pytest.approx(3 / 5) and score.recall == 1.0


def test_evaluation_empty_prediction_counts_for_recall_only():
    scores = [score_page("", "some gold text of five words"), score_page("a b c d", "a b c d")]
    result = summarise(scores)
    assert result["precision"] == 1.0 and result["recall"] == 0.5 and result["empty_predictions"] == 1


def test_evaluation_runs_over_a_benchmark_folder(tmp_path):
    html_dir = tmp_path / "html"
    html_dir.mkdir()
    gold = {}
    for i in range(2):
        body = " ".join(f"Sentence {j} of fictional page {i} about the river festival in Ambleside." for j in range(8))
        html = f"<html><body><nav>Menu Home About</nav><article><p>{body}</p></article></body></html>"
        (html_dir / f"page{i}.html.gz").write_bytes(gzip.compress(html.encode()))
        gold[f"page{i}"] = {"articleBody": body, "url": f"https://fiction.test/{i}"}
    gold["held-out"] = {"articleBody": "not in the folder", "url": ""}
    (tmp_path / "gt.json").write_text(json.dumps(gold))
    result = evaluate(html_dir, tmp_path / "gt.json")
    assert result["n"] == 2 and result["f1"] > 0.95
