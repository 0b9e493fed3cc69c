"""Leave-one-transcript-out check-worthiness on fictional transcripts: every variant refitted per fold."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from newsaudit.evaluation.checkworthy import DEV_TRANSCRIPTS
from newsaudit.training.checkworthy_folds import VARIANTS, evaluate_folds, measures

#: Fictional debate lines: the check-worthy ones state numbers and facts, the others are chatter.
WORTHY = [
    "Unemployment in Exampleton fell to 4 percent last year, the lowest in 20 years.",
    "The Corran dam cost 300 million dollars, twice the budget approved in 2019.",
]
CHATTER = [
    "Thank you all for coming tonight.",
    "I think that is a great question.",
    "Let me finish, please.",
    "We love this town.",
    "Good evening to everyone watching.",
    "That is simply not how I see it.",
]


def write_transcripts(folder, names):
    folder.mkdir()
    for t, name in enumerate(names):
        lines = CHATTER[t:] + CHATTER[:t]
        lines = [*lines[:3], WORTHY[t % 2], *lines[3:], WORTHY[(t + 1) % 2]]
        rows = [f"{i}\tSPEAKER\t{text}\t{int(text in WORTHY)}" for i, text in enumerate(lines, start=1)]
        (folder / f"{name}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_checkworthy_folds_measures_rename_the_ranking_measures():
    import numpy as np

    found = measures(np.array([0.9, 0.1, 0.5]), [1, 0, 0])
    assert found["map"] == 1.0 and found["mrr"] == 1.0 and found["p_at_1"] == 1.0


def test_checkworthy_folds_hold_out_each_transcript_in_turn(tmp_path):
    names = [DEV_TRANSCRIPTS[0], "20990101_fictional_a", "20990102_fictional_b"]
    write_transcripts(tmp_path / "training", names)
    claimbuster = tmp_path / "cb.json"
    extra = [{"sentence_id": i, "label": int(i % 2 == 0), "text": (WORTHY + CHATTER)[i % 8]} for i in range(8)]
    claimbuster.write_text(json.dumps(extra), encoding="utf-8")
    result = evaluate_folds(tmp_path / "training", claimbuster, log=lambda line: None)
    assert result["n_folds"] == 3 and result["variants"] == list(VARIANTS)
    assert [fold["transcript"] for fold in result["folds"]] == sorted(names)
    for fold in result["folds"]:
        assert fold["sentences"] == 8 and fold["check_worthy"] == 2
        for variant in VARIANTS:
            assert 0.0 <= fold[variant]["map"] <= 1.0
    assert set(result["mean"]["clef"]) >= {"map", "r_precision", "mrr", "p_at_1", "c"}
    assert result["map"] == result["mean"]["clef+claimbuster"]["map"]
    assert result["dev5"]["clef"]["map"] == result["folds"][0]["clef"]["map"]  # the one dev transcript here
    assert result["mean"]["clef"]["map"] > 0.5  # the fictional cues carry over to a held-out transcript


def test_checkworthy_folds_without_claimbuster_has_the_clef_variant_only(tmp_path):
    write_transcripts(tmp_path / "training", ["20990101_a", "20990102_b"])
    result = evaluate_folds(tmp_path / "training", None, log=lambda line: None)
    assert result["variants"] == ["clef"] and result["dev5"] is None
    assert "map" in result and result["n_sentences"] == 16
