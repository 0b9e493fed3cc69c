"""Shards, pieces and the output folder's manifest, without a cluster. Article texts are fiction."""

from __future__ import annotations

import json

import pytest

from newsaudit.batch.output import Manifest, write_shard
from newsaudit.batch.plan import MAX_SHARD_SIZE, Part, Shard, halves, plan_shards
from newsaudit.batch.rows import AUDIT_COLUMNS, Rows
from newsaudit.errors import BatchError, SettingsError
from newsaudit.schema import Article, Audit, AuditError


def _corpus(folder, name: str, n: int) -> str:
    path = folder / name
    lines = [
        json.dumps({"id": f"{name}-{i}", "text": f"The fictional mayor of Town {i} spoke on Monday."}) for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_shards_cover_every_record_once_in_input_order(tmp_path):
    (tmp_path / "a.txt").write_text("A fictional title\n\nThe council met on Tuesday.", encoding="utf-8")
    big = _corpus(tmp_path, "b.jsonl", 7)
    (tmp_path / "c.html").write_text("<html><body><p>A fictional page.</p></body></html>", encoding="utf-8")
    shards = plan_shards([tmp_path], 3)
    assert [s.size for s in shards] == [3, 3, 3]
    covered = [(p.path, i) for s in shards for p in s.parts for i in range(p.start, p.stop)]
    expected = [(str(tmp_path / "a.txt"), 0)] + [(big, i) for i in range(7)] + [(str(tmp_path / "c.html"), 0)]
    assert covered == expected
    assert [s.number for s in shards] == [0, 1, 2]
    assert plan_shards([tmp_path], 3) == shards  # deterministic
    assert [Shard.from_dict(s.to_dict()) for s in shards] == shards


def test_halves_isolate_one_record(tmp_path):
    shard = Shard(4, (Part("x.jsonl", 10, 15),))
    pieces = [shard]
    singles = []
    while pieces:
        piece = pieces.pop()
        cut = halves(piece)
        assert sum(p.size for p in cut) in (0, piece.size)
        if not cut:
            singles.append(piece.parts[0].start)
        pieces.extend(cut)
    assert sorted(singles) == [10, 11, 12, 13, 14]
    assert all(p.number == 4 for p in halves(Shard(4, (Part("a", 0, 1), Part("b", 0, 1)))))


@pytest.mark.parametrize("size", [0, -1, MAX_SHARD_SIZE + 1])
def test_shard_size_out_of_bounds_is_refused(tmp_path, size):
    with pytest.raises(SettingsError, match="shard-size"):
        plan_shards([tmp_path], size)


def test_standard_input_is_refused():
    with pytest.raises(SettingsError, match="standard input"):
        plan_shards(["-"], 10)


def _audit(number: int, failed: bool = False) -> Audit:
    errors = (AuditError("read", "empty_input", "no text"),) if failed else ()
    return Audit(
        article=Article(id=f"fiction-{number}", text="" if failed else "A short fictional text."), errors=errors
    )


def test_manifest_refuses_another_run_and_force_starts_over(tmp_path):
    rows = Rows()
    rows.add(_audit(1))
    rows.add(_audit(2, failed=True))
    entry = write_shard(
        tmp_path, "part-00000", {"audits": rows.audits_table(), "errors": rows.errors_table()}, "parquet"
    )
    assert entry["audits"]["rows"] == 2 and entry["errors"]["rows"] == 1
    manifest = Manifest(tmp_path, {"shard_size": 10, "settings": {"max_bytes": 1}})
    manifest.mark_done("part-00000", entry)
    again = Manifest.open(tmp_path, {"shard_size": 10, "settings": {"max_bytes": 1}})
    assert again.is_done("part-00000", "parquet")
    with pytest.raises(BatchError, match=r"shard_size.*settings \(max_bytes\)|settings \(max_bytes\).*shard_size"):
        Manifest.open(tmp_path, {"shard_size": 20, "settings": {"max_bytes": 2}})
    fresh = Manifest.open(tmp_path, {"shard_size": 20}, force=True)
    assert not fresh.done and not (tmp_path / "audits" / "part-00000.parquet").exists()


def test_a_part_file_that_shrank_is_not_done(tmp_path):
    rows = Rows()
    rows.add(_audit(1))
    entry = write_shard(tmp_path, "part-00003", {"audits": rows.audits_table(), "errors": rows.errors_table()}, "jsonl")
    manifest = Manifest(tmp_path, {})
    manifest.mark_done("part-00003", entry)
    assert manifest.is_done("part-00003", "jsonl")
    (tmp_path / "audits" / "part-00003.jsonl").write_text("", encoding="utf-8")
    assert not manifest.is_done("part-00003", "jsonl")


def test_rows_carry_the_whole_audit_and_its_errors():
    rows = Rows()
    rows.add(_audit(7, failed=True))
    table = rows.audits_table()
    assert table.column_names == [name for name, _ in AUDIT_COLUMNS]
    row = table.to_pylist()[0]
    assert json.loads(row["audit_json"])["article"]["id"] == "fiction-7"
    assert row["errors"] == 1
    assert rows.errors_table().to_pylist() == [
        {"id": "fiction-7", "source": None, "stage": "read", "code": "empty_input", "reason": "no text"}
    ]
