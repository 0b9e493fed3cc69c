"""Decoding any bytes gives valid text or an `InputError`, never another exception or a lone surrogate."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsaudit.errors import InputError
from newsaudit.ingest.readers.decode import decode
from tests.fuzz.conftest import examples, measure
from tests.fuzz.strategies import DECLARED_CHARSETS, hostile_bytes


def decode_or_refuse(data: bytes, declared: str | None = None, max_bytes: int | None = None) -> str | None:
    try:
        text = decode(data, declared=declared, max_bytes=max_bytes)
    except InputError:
        return None
    assert isinstance(text, str) and text.strip()
    text.encode("utf-8")  # no lone surrogates: they cannot be written to a file, a page or SQLite
    return text


@settings(max_examples=examples(150))
@given(hostile_bytes(), st.one_of(st.none(), st.sampled_from(DECLARED_CHARSETS)))
# Crashes found by this property (each fixed in decode.py):
@example(b'<meta charset="undefined"><p>caf\xe9</p>', None)  # UnicodeError from the "undefined" codec
@example(b"caf\xe9 \\ud800", "unicode_escape")  # a Python codec, not a charset, made a lone surrogate
# Codecs refused with them: not crashes here (UTF-8 is tried first), but mojibake from a host-name codec.
@example(b"caf\xe9 +2AA-", "utf-7")
@example(b"caf\xe9" + b"a" * 70, "idna")
def test_fuzz_decode_gives_text_or_an_input_error(data, declared):
    decode_or_refuse(data, declared)


@settings(max_examples=examples(40))
@given(hostile_bytes(), st.integers(0, 400))
def test_fuzz_decode_honours_the_size_limit(data, max_bytes):
    text = decode_or_refuse(data, max_bytes=max_bytes)
    if text is not None and data[:2] != b"\x1f\x8b":
        assert len(data) <= max_bytes


@pytest.mark.parametrize("unit", [b"a", b"\xe9", b"\x00", "ж".encode()])
@pytest.mark.parametrize(("megabytes", "compress"), [(1, False), (4, True)])
def test_fuzz_decode_of_megabytes_stays_within_time_and_memory(unit, megabytes, compress):
    data = unit * (megabytes * 1_000_000 // len(unit))
    if compress:
        data = gzip.compress(data, compresslevel=1, mtime=0)
    _, seconds, peak = measure(lambda: decode_or_refuse(data, max_bytes=2_000_000))
    assert seconds < 10 * megabytes + 10
    # The decoded text is at most four bytes per character; anything beyond a few copies is a leak.
    assert peak < 16 * megabytes * 1_000_000 + 50_000_000
