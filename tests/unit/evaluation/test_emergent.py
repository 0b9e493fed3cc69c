"""Emergent claim ↔ headline stance scoring, by hand, on fictional rows."""

from __future__ import annotations

import csv

import pytest

from newsaudit.evaluation.emergent import FNC_TO_EMERGENT, classification_report, evaluate, fnc_mapped, read_rows

#: Fictional claims and headlines in Emergent's layout.
ROWS = [
    ("Marlow Island ferry to stop running in May", "Marlow Island ferry will stop in May", "for", "a1", "c1"),
    ("Marlow Island ferry to stop running in May", "No, the Marlow ferry is not stopping", "against", "a2", "c1"),
    ("Marlow Island ferry to stop running in May", "Is the Marlow ferry about to stop?", "observing", "a3", "c1"),
    ("Brindle zoo panda is pregnant", "Brindle zoo says its panda is pregnant", "for", "a4", "c2"),
]


def write_csv(path, rows=ROWS, header=("claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId")):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", *header, "claimId"][: len(header) + 2])
        for number, row in enumerate(rows):
            writer.writerow([number, *row[: len(header)], row[4]][: len(header) + 2])
    return path


def test_emergent_reads_rows_with_their_ids(tmp_path):
    rows = read_rows(write_csv(tmp_path / "e.csv"))
    assert [r.stance for r in rows] == ["for", "against", "observing", "for"]
    assert rows[1].article_id == "a2" and rows[1].claim.startswith("Marlow")


def test_emergent_rejects_a_missing_column_and_an_unknown_label(tmp_path):
    with pytest.raises(ValueError, match="articleHeadlineStance"):
        read_rows(write_csv(tmp_path / "a.csv", header=("claimHeadline", "articleHeadline")))
    bad = [(*ROWS[0][:2], "agree", "a9", "c9")]
    with pytest.raises(ValueError, match="unknown stance"):
        read_rows(write_csv(tmp_path / "b.csv", rows=bad))


def test_emergent_report_by_hand():
    gold = ["for", "for", "against", "observing"]
    predicted = ["for", "observing", "against", "for"]
    report = classification_report(gold, predicted)
    assert report["accuracy"] == 0.5 and report["n"] == 4
    # for: 1 hit, 2 gold, 2 predicted -> 0.5; against: 1.0; observing: 0 hits -> 0.0
    assert report["f1"] == {"for": 0.5, "against": 1.0, "observing": 0.0}
    assert report["macro_f1"] == 0.5
    assert report["confusion"]["for"]["observing"] == 1
    with pytest.raises(ValueError):
        classification_report(["for"], [])


def test_emergent_fnc_labels_map_onto_emergent_ones(tmp_path):
    assert FNC_TO_EMERGENT == {"agree": "for", "disagree": "against", "discuss": "observing", "unrelated": "observing"}
    seen = []

    def fake_fnc(pairs):
        seen.extend(pairs)
        return [{"label": "agree"}, "disagree", "discuss", "unrelated"]

    result = evaluate(write_csv(tmp_path / "e.csv"), fnc_mapped(fake_fnc))
    assert seen[0] == (ROWS[0][0], ROWS[0][1])  # the claim as headline, the article headline as body
    assert result["accuracy"] == 0.75  # for, against, observing right; the last (for) mapped to observing
