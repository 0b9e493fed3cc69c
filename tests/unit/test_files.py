"""Output files appear whole or not at all (`newsaudit.files`)."""

from __future__ import annotations

import os

import pytest

from newsaudit.files import atomic_write, write_text


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "audits.jsonl"
    target.write_text("the previous run\n")
    with pytest.raises(RuntimeError, match="midway"), atomic_write(target) as handle:
        handle.write('{"article": "half')
        raise RuntimeError("failed midway")
    assert target.read_text() == "the previous run\n"
    assert leftovers(tmp_path) == []


def test_a_failed_write_creates_no_file(tmp_path):
    target = tmp_path / "report.html"
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as handle:
        handle.write("<!DOCTYPE html>")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_complete_write_replaces_the_file_keeping_its_mode(tmp_path):
    target = tmp_path / "audit.json"
    target.write_text("old")
    target.chmod(0o640)
    write_text(target, "new and whole")
    assert target.read_text() == "new and whole"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_file_gets_the_permissions_open_would_give(tmp_path):
    umask = os.umask(0o022)
    try:
        write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_bytes_and_a_device_target(tmp_path):
    with atomic_write(tmp_path / "data.bin", "wb") as handle:
        handle.write(b"\x00\x01")
    assert (tmp_path / "data.bin").read_bytes() == b"\x00\x01"
    with atomic_write(os.devnull) as handle:  # not a regular file: written directly, never replaced
        handle.write("discarded")
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)
