"""Readers over broken corpora: every record becomes a `RawDocument` or a `ReadFailure`, and reading goes on.

Inputs: JSONL with cut and mis-quoted lines, binary lines and brackets nested 200,000 deep; CSV/TSV with stray
quotes, cut lines and bare carriage returns; JSON arrays; WARC records gzipped one by one, then truncated or
overwritten with random bytes; and every format sniffed from the bytes alone.
"""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsaudit.errors import InputError
from newsaudit.ingest.readers import FORMATS, RawDocument, ReadFailure, read
from newsaudit.schema.audit import replace_surrogates
from tests.fuzz.conftest import examples, measure
from tests.fuzz.strategies import (
    csv_file,
    dump_json,
    hostile_bytes,
    hostile_text,
    jsonl_file,
    news_text,
    valid_character,
    warc_file,
    warc_record,
)


def read_all(data: bytes, format: str | None, max_bytes: int = 1_000_000) -> list[RawDocument | ReadFailure]:
    """Every item read from `data` as standard input; checks what any reader must give back."""
    items = list(read(["-"], format=format, stdin=io.BufferedReader(io.BytesIO(data)), max_bytes=max_bytes))
    for item in items:
        assert isinstance(item, (RawDocument, ReadFailure)), item
        if isinstance(item, ReadFailure):
            assert isinstance(item.error, InputError), item
            str(item.error).encode("utf-8")
        else:
            assert item.kind in ("html", "text") and item.content.strip()
            item.content.encode("utf-8")  # no lone surrogate (JSON's "\\ud800") gets past a reader
            for value in item.fields.values():
                for text in value if isinstance(value, tuple) else (value,):
                    str(text).encode("utf-8")
    return items


@settings(max_examples=examples(80))
@given(jsonl_file())
# A line of brackets nested deeper than Python's recursion limit: json.loads raised RecursionError (tables.py).
@example(b"[" * 100_000)
# A record whose text is a JSON-escaped lone surrogate went through as text no file or store can hold.
@example(b'{"text": "The mayor said \\ud800 it was safe."}')
def test_fuzz_jsonl_reads_every_line_or_fails_it(data):
    read_all(data, "jsonl")


@settings(max_examples=examples(40))
@given(st.lists(st.one_of(jsonl_file(), st.binary(max_size=50)), max_size=3))
@example([b"[" * 100_000])
def test_fuzz_json_array_is_read_or_failed(parts):
    read_all(b"[" + b",".join(parts) + b"]", "json")


@settings(max_examples=examples(80))
@given(st.sampled_from(("csv", "tsv")), st.data())
def test_fuzz_csv_and_tsv_with_broken_quoting(format, data):
    read_all(data.draw(csv_file("," if format == "csv" else "\t")), format)


@settings(max_examples=examples(60))
@given(warc_file())
# Records whose HTTP headers declare a Python codec as their charset ("undefined" raised UnicodeError).
@example(warc_record("https://news.example/a", b"<p>caf\xe9</p>", "text/html; charset=undefined"))
def test_fuzz_warc_truncated_or_garbled(data):
    read_all(data, "warc")


@settings(max_examples=examples(80))
@given(st.one_of(jsonl_file(), csv_file(), warc_file(), hostile_bytes()), st.sampled_from((None, *FORMATS)))
@example(b'<meta charset="undefined"><p>caf\xe9</p>', None)
def test_fuzz_any_bytes_in_any_format(data, format):
    read_all(data, format)


@settings(max_examples=examples(20))
@given(st.one_of(jsonl_file(), csv_file(), warc_file(), hostile_bytes()))
def test_fuzz_gzipped_and_truncated_inputs_fail_cleanly(data):
    packed = gzip.compress(data, mtime=0)
    read_all(packed[: len(packed) // 2], None)


stored_text = st.one_of(news_text(), hostile_text(max_pieces=15)).map(replace_surrogates)
stored_rows = st.lists(st.tuples(stored_text, st.text(valid_character, max_size=15)), min_size=1, max_size=4)


def check_round_trip(items: list[RawDocument | ReadFailure], rows: list[tuple[str, str]]) -> None:
    """One item per record written, in order, each with the text the record holds (or a failure if it is blank)."""
    assert len(items) == len(rows), (items, rows)
    for number, (item, (text, _)) in enumerate(zip(items, rows, strict=True)):
        if text.strip():
            assert isinstance(item, RawDocument) and item.content == text and item.fields["id"] == str(number), item
        else:
            assert isinstance(item, ReadFailure) and item.id == str(number), item


@settings(max_examples=examples(60))
@given(stored_rows, st.sampled_from(("csv", "tsv")), st.booleans(), st.sampled_from(("\r\n", "\n", "\r")))
# A U+2028, form feed or NEL in an unquoted field split the row in two: the codecs reader took them for line ends.
@example([("The mayor\u2028said so on Monday", "A title")], "csv", False, "\r\n")
@example([("The council\x0cagreed on Monday", "")], "tsv", False, "\n")
# A gzipped corpus (corpus.csv.gz) was read as its compressed bytes.
@example([("The mayor said so on Monday.", "A title")], "csv", True, "\r\n")
def test_fuzz_csv_written_by_a_csv_writer_reads_back_row_for_row(rows, format, compress, ending):
    buffer = io.StringIO()
    # The writer quotes only fields holding a character of its line terminator: with a bare CR or LF as terminator
    # a field with the other line break would go unquoted and the file would not say what it means.
    quoting = csv.QUOTE_MINIMAL if ending == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(buffer, delimiter="," if format == "csv" else "\t", lineterminator=ending, quoting=quoting)
    writer.writerow(["id", "title", "text"])
    writer.writerows([str(number), title, text] for number, (text, title) in enumerate(rows))
    data = buffer.getvalue().encode("utf-8")
    check_round_trip(read_all(gzip.compress(data, mtime=0) if compress else data, format), rows)


@settings(max_examples=examples(60))
@given(stored_rows, st.booleans(), st.sampled_from(("\n", "\r\n")), st.booleans())
# A gzipped corpus (corpus.jsonl.gz) was read line by line as compressed bytes: every record a failure.
@example([("The mayor said so on Monday.", "A title")], True, "\n", False)
def test_fuzz_jsonl_written_by_json_dumps_reads_back_line_for_line(rows, compress, ending, sniff):
    lines = [dump_json({"id": number, "title": title, "text": text}) for number, (text, title) in enumerate(rows)]
    data = ending.join(lines).encode("utf-8")
    check_round_trip(read_all(gzip.compress(data, mtime=0) if compress else data, None if sniff else "jsonl"), rows)


@pytest.mark.parametrize("format", ["jsonl", "csv", "text"])
def test_fuzz_reading_megabytes_stays_within_time_and_memory(format):
    sentence = "The mayor said on Monday that the bridge over the river was safe for everyone."
    body = (sentence + " ") * 12_000  # about 1 MB in one record
    if format == "jsonl":
        data = (f'{{"text": "{body}", "title": "A \\ud83d headline"}}\n' * 3).encode()
    elif format == "csv":
        data = ("title,text\n" + f'A headline,"{body}"\n' * 3).encode()
    else:
        data = body.encode()
    items, seconds, peak = measure(lambda: read_all(data, format, max_bytes=5_000_000))
    assert items and all(isinstance(item, RawDocument) for item in items)
    assert seconds < 30
    assert peak < 20 * len(data) + 50_000_000
