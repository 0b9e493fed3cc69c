"""Headline ↔ body stance: the FNC-1 score worked out by hand, the splits, and the shipped model on fictional pairs."""

import csv
from collections import Counter

import pytest

from newsaudit.evaluation.stance import (
    LABELS,
    classification_report,
    evaluate,
    fnc_score,
    headline_split,
    is_dev_headline,
    read_stances,
    write_split,
)
from newsaudit.models.stance import StanceModel, sentences

# A plain claim. (With an attribution tacked on, ", says lighthouse keeper", the shipped model calls the agree
# and disagree bodies below "discuss": FNC-1 headlines that attribute a claim are mostly discussed.)
HEADLINE = "Giant squid washes up on Marlow Island beach"

BODIES = {
    "agree": (
        "A giant squid has washed up on a beach on Marlow Island. The giant squid, nearly nine metres long, was "
        "found on the Marlow Island beach on Tuesday morning by the island's lighthouse keeper, Tobias Wren. "
        "Marine biologists from the Halden Institute examined the animal and confirmed it is a giant squid. It "
        "is the largest ever found on the island. The squid will be moved to the institute on Thursday and "
        "later shown to the public."
    ),
    "disagree": (
        "No, a giant squid did not wash up on Marlow Island. A photo that went viral this week showing a giant "
        "squid on a Marlow Island beach is a hoax. The image is fake: it was edited from an old picture of a "
        "rubber model used in a film. The lighthouse keeper, Tobias Wren, denied the story and said nothing "
        "had been found. The Halden Institute also said the report was false."
    ),
    "discuss": (
        "A giant squid may have washed up on a beach on Marlow Island, according to unconfirmed reports on "
        "social media. Pictures shared online reportedly show the animal on the sand near the lighthouse. The "
        "claims could not be independently verified, and it is unclear whether the photos are genuine. The "
        "lighthouse keeper has not responded to requests for comment."
    ),
    "unrelated": (
        "The Examplefield city council approved a new budget for road repairs on Monday after a long debate. "
        "The plan sets aside money for resurfacing the ring road and fixing potholes in the old town. "
        "Council members also voted to extend the opening hours of the public library during the winter. "
        "The mayor said the works would begin in the spring and last until autumn."
    ),
}


def test_fnc_score_by_hand():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated", "agree"]
    predicted = ["agree", "discuss", "unrelated", "unrelated", "agree", "unrelated"]
    # agree→agree 1.0; disagree→discuss 0.25 (related right); discuss→unrelated 0; unrelated→unrelated 0.25;
    # unrelated→agree 0; agree→unrelated 0. Maximum: 4 related × 1.0 + 2 unrelated × 0.25 = 4.5.
    raw, best = fnc_score(gold, predicted)
    assert raw == pytest.approx(1.5) and best == pytest.approx(4.5)
    report = classification_report(gold, predicted)
    assert report["fnc_score"] == pytest.approx(33.33)
    # F1 = 2·hits / (gold + predicted). agree: 1 hit, 2 gold, 2 predicted → 0.5; disagree: 0 hits → 0;
    # discuss: 0 hits → 0; unrelated: 1 hit, 2 gold, 3 predicted → 0.4. Macro: 0.9 / 4.
    assert report["f1"] == {"agree": 0.5, "disagree": 0.0, "discuss": 0.0, "unrelated": 0.4}
    assert report["macro_f1"] == pytest.approx(0.225) and report["accuracy"] == pytest.approx(2 / 6, abs=1e-4)
    assert fnc_score(["unrelated"] * 4, ["unrelated"] * 4) == (1.0, 1.0)


def _fnc_files(tmp_path):
    """400 fictional pairs, 100 of each label (headline i has label i % 4, with body i % 3, twice)."""
    stances = tmp_path / "stances.csv"
    bodies = tmp_path / "bodies.csv"
    headlines = [f"Fictional headline number {i}" for i in range(200)]
    with stances.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows([headline, str(i % 3), LABELS[i % 4]] for i, headline in enumerate(headlines * 2))
    with bodies.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["Body ID", "articleBody"], *[[str(i), f"Body text {i}."] for i in range(3)]])
    return bodies, stances


def test_headline_split_is_disjoint_and_deterministic(tmp_path):
    bodies, stances = _fnc_files(tmp_path)
    pairs = read_stances(stances)
    train, dev = headline_split(pairs)
    assert {pairs[i].headline for i in train}.isdisjoint({pairs[i].headline for i in dev})
    assert 0.1 < len(dev) / len(pairs) < 0.3
    assert all(is_dev_headline(pairs[i].headline) for i in dev)
    dev_bodies, dev_stances = write_split(bodies, stances, dev, tmp_path / "dev")
    assert len(read_stances(dev_stances)) == len(dev) and dev_bodies.exists()
    # The dev split of these 400 pairs (fixed by the SHA-1 of the headlines): 38 headlines, each twice with the
    # same label, so 76 pairs: 24 agree, 16 disagree, 12 discuss (52 related), 24 unrelated.
    assert Counter(pairs[i].stance for i in dev) == {"agree": 24, "disagree": 16, "discuss": 12, "unrelated": 24}
    result = evaluate(dev_bodies, dev_stances, lambda batch: ["unrelated"] * len(batch))
    # All "unrelated": 0.25 for each of the 24 unrelated pairs, nothing for the related ones. The maximum is
    # 24 × 0.25 + 52 × 1.0 = 58, so 6 / 58 = 10.34 %.
    assert result["n"] == len(dev) == 76
    assert (result["fnc_raw"], result["fnc_max"], result["fnc_score"]) == (6.0, 58.0, 10.34)
    assert evaluate(bodies, stances, lambda batch: ["unrelated"] * len(batch), subset="headline-dev") == result


@pytest.mark.parametrize(
    ("predictor", "subset", "raw", "best", "score"),
    [
        # 100 unrelated pairs × 0.25 = 25 of 100 × 0.25 + 300 × 1.0 = 325: 7.69 %.
        ("unrelated", None, 25.0, 325.0, 7.69),
        # 300 related pairs × 0.25, and 0.75 more for the 100 discuss ones: 150 of 325, 46.15 %.
        ("discuss", None, 150.0, 325.0, 46.15),
        ("perfect", None, 325.0, 325.0, 100.0),
        # The headline dev split (24 agree, 16 disagree, 12 discuss, 24 unrelated pairs; maximum 58):
        ("unrelated", "headline-dev", 6.0, 58.0, 10.34),
        # 52 related × 0.25 = 13, and 12 discuss × 0.75 = 9: 22 of 58, 37.93 %.
        ("discuss", "headline-dev", 22.0, 58.0, 37.93),
        ("perfect", "headline-dev", 58.0, 58.0, 100.0),
    ],
)
def test_fnc_score_corner_cases(tmp_path, predictor, subset, raw, best, score):
    bodies, stances = _fnc_files(tmp_path)
    gold = {pair.headline: pair.stance for pair in read_stances(stances)}  # one label per headline

    def predict_many(batch):
        return [gold[headline] if predictor == "perfect" else predictor for headline, _ in batch]

    result = evaluate(bodies, stances, predict_many, subset=subset)
    assert (result["fnc_raw"], result["fnc_max"], result["fnc_score"]) == (raw, best, score)
    assert result["n"] == (400 if subset is None else 76)


def test_sentence_split():
    # The closing quote after a full stop goes with the break (harmless for the features, which ignore quotes).
    parts = sentences('He said: "It is over." Then he left.\nA new paragraph starts here. Or not?')
    assert parts == ['He said: "It is over.', "Then he left.", "A new paragraph starts here.", "Or not?"]


@pytest.fixture(scope="module")
def model():
    return StanceModel.default()


@pytest.mark.parametrize("label", LABELS)
def test_model_on_fictional_pairs(model, label):
    result = model.predict(HEADLINE, BODIES[label])
    assert set(result["probabilities"]) == set(LABELS)
    assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert result["label"] == label, result


def test_predict_many_matches_predict_and_reuses_bodies(model):
    pairs = [(HEADLINE, BODIES[label]) for label in LABELS] + [("Council passes road repair budget", BODIES["agree"])]
    many = model.predict_many(pairs)
    assert [m["label"] for m in many[:4]] == list(LABELS)
    assert many[4]["label"] == "unrelated"
    for (headline, body), result in zip(pairs, many, strict=True):
        assert model.predict(headline, body)["probabilities"] == result["probabilities"]
    assert model.predict_many([]) == []


def test_model_is_small_and_documented(model):
    assert model.meta.get("version", "").startswith("fnc1-")
    assert len(model.tfidf.index) > 1000 and model.network.w1.shape[0] == model.network.mean.shape[0]
