"""Corpus readers: JSON Lines, a JSON array, CSV/TSV. One record, one article; a bad record, one failure."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from typing import IO, Any

from newsaudit.errors import EmptyInputError, InputError, InputTooLargeError, UnsupportedFormatError
from newsaudit.ingest.readers import FieldMap, RawDocument, ReadFailure
from newsaudit.ingest.readers.decode import GZIP_MAGIC, decode, format_size, too_large_message
from newsaudit.schema.audit import replace_surrogates

# Enough of a tag soup to say a text field holds a page rather than text (scrapers often store raw HTML).
_LOOKS_LIKE_HTML = re.compile(r"<(html|body|div|p|article|br|span|!doctype)[\s>/]", re.IGNORECASE)
# What a truncated or corrupt gzip stream raises while it is read (BadGzipFile is an OSError).
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def read_jsonl(stream: IO[bytes], source: str, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    number, stream = 0, _gunzipped(stream)
    try:
        for number, line in enumerate(_lines(stream, max_bytes), start=1):
            where = f"{source}:{number}"
            if isinstance(line, int):
                yield ReadFailure(where, InputTooLargeError(too_large_message(line, max_bytes)))
                continue
            if not line.strip():
                continue
            try:
                record = _loads(decode(line))
            except ValueError as error:
                yield ReadFailure(where, InputError(f"line {number} is not valid JSON ({error})"))
                continue
            except InputError as error:
                yield ReadFailure(where, error)
                continue
            yield record_to_document(record, where, "jsonl", fields)
    except _GZIP_ERRORS as error:
        if not isinstance(stream, gzip.GzipFile):
            raise
        yield ReadFailure(source, InputError(f"the gzip data is truncated or corrupt after line {number} ({error})"))


def _gunzipped(stream: IO[bytes]) -> IO[bytes]:
    """`stream`, decompressed as it is read when it is gzip data (a `corpus.jsonl.gz`)."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    return gzip.GzipFile(fileobj=stream, mode="rb") if stream.peek(2)[:2] == GZIP_MAGIC else stream


def _lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | int]:
    # A line over the limit is skipped piece by piece and given as its size: never held whole, since a gzip
    # bomb can be a single line of gigabytes.
    while line := stream.readline(max_bytes + 1):
        if len(line) <= max_bytes:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := stream.readline(max_bytes + 1)):
            size += len(line)
        yield size


def read_json(data: bytes, source: str, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    try:
        value = _loads(decode(data, max_bytes=max_bytes))
    except ValueError as error:
        yield ReadFailure(source, InputError(f"not valid JSON ({error})"))
        return
    records = value if isinstance(value, list) else [value]
    for number, record in enumerate(records):
        where = f"{source}[{number}]" if isinstance(value, list) else source
        yield record_to_document(record, where, "json", fields)


def read_csv(
    stream: IO[bytes], source: str, fields: FieldMap, max_bytes: int, delimiter: str = ","
) -> Iterator[RawDocument | ReadFailure]:
    csv.field_size_limit(min(max_bytes, sys.maxsize))
    # Corpora are streamed, so the encoding cannot be guessed from the whole file: UTF-8 (with or without a
    # byte-order mark) is assumed and any undecodable byte becomes U+FFFD rather than losing the record.
    # newline="" as the csv module asks: only CR and LF end a row, so a U+2028, NEL or form feed inside an
    # unquoted field stays in it (a codecs reader ends lines there too, and split the row in two).
    stream = _gunzipped(stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield from _read_rows(text, source, fields, max_bytes, delimiter)
    except InputTooLargeError as error:
        # The reader cannot resynchronise inside an oversized row; stop rather than misread rows.
        yield ReadFailure(source, error)
    except _GZIP_ERRORS as error:
        if not isinstance(stream, gzip.GzipFile):
            raise
        yield ReadFailure(source, InputError(f"the gzip data is truncated or corrupt ({error})"))
    finally:
        text.detach()  # the caller owns the stream and closes it


def _read_rows(
    text: io.TextIOWrapper, source: str, fields: FieldMap, max_bytes: int, delimiter: str
) -> Iterator[RawDocument | ReadFailure]:
    reader = csv.DictReader(_bounded_lines(text, max_bytes), delimiter=delimiter)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        yield ReadFailure(source, InputError(f"not a readable CSV file ({error})"))
        return
    if not header:
        yield ReadFailure(source, EmptyInputError("the CSV file is empty"))
        return
    if fields.text_field(header) is None:
        wanted = fields.text or " / ".join(FieldMap.TEXT[:6])
        yield ReadFailure(
            source,
            UnsupportedFormatError(
                f"no text column {wanted!r} in the header ({', '.join(header)}); name it with --text-field"
            ),
        )
        return
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield ReadFailure(f"{source}:{reader.line_num}", InputError(f"bad CSV row ({error})"))
            if "field larger than field limit" in str(error):
                # The reader cannot resynchronise inside an oversized field; stop rather than misread rows.
                return
            continue
        rows += 1
        yield record_to_document(row, f"{source}:row {rows}", "csv", fields)


def _bounded_lines(text: io.TextIOWrapper, max_bytes: int) -> Iterator[str]:
    # The csv module reads a whole line before it checks the field size limit; a line without end (a gzip bomb)
    # is stopped here instead.
    while line := text.readline(max_bytes + 1):
        if len(line) > max_bytes:
            raise InputTooLargeError(
                f"a CSV line is over the {format_size(max_bytes)} limit (raise it with --max-bytes)"
            )
        yield line


def _loads(text: str) -> Any:
    # Brackets nested deeper than the interpreter's recursion limit are bad JSON like any other, not a crash.
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def record_to_document(record: Any, where: str, format: str, fields: FieldMap) -> RawDocument | ReadFailure:
    """Map one corpus record onto a `RawDocument` using `fields`."""
    if not isinstance(record, dict):
        return ReadFailure(where, InputError(f"a record must be a JSON object, not {type(record).__name__}"))
    identifier = fields.pick(record, fields.id, FieldMap.ID)
    identifier = None if identifier in (None, "") else replace_surrogates(str(identifier))
    name = fields.text_field(record)
    text = record.get(name) if name else None
    if not isinstance(text, str) or not text.strip():
        reason = (
            f"the record has no text (field {name!r} is empty)"
            if name
            else f"the record has no text field (tried {', '.join(FieldMap.TEXT[:6])}; use --text-field)"
        )
        return ReadFailure(where, EmptyInputError(reason), id=identifier)
    metadata = {
        "id": identifier,
        "title": _string(fields.pick(record, fields.title, FieldMap.TITLE)),
        "url": _string(fields.pick(record, fields.url, FieldMap.URL)),
        "authors": _authors(fields.pick(record, None, FieldMap.AUTHORS)),
        "published": _string(fields.pick(record, None, FieldMap.PUBLISHED)),
        "domain": _string(fields.pick(record, None, FieldMap.DOMAIN)),
    }
    # JSON can spell a lone surrogate ("\\ud800"), which no file, page or store can hold.
    text = replace_surrogates(text)
    kind = "html" if _LOOKS_LIKE_HTML.search(text[:5000]) else "text"
    return RawDocument(text, kind, where, format, {k: v for k, v in metadata.items() if v})


def _string(value: Any) -> str | None:
    if value is None:
        return None
    value = replace_surrogates(str(value)).strip()
    return value or None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        names = [replace_surrogates(str(name)).strip() for name in value]
    elif isinstance(value, str):
        names = [name.strip() for name in re.split(r";|\|| and |,(?=\s*[A-Z])", replace_surrogates(value))]
    else:
        return ()
    return tuple(name for name in names if name)


#: Rows read from a Parquet file at a time: memory stays bounded by a batch, not by the file.
_PARQUET_BATCH = 256


def read_parquet(path: Any, source: str, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    """A Parquet file (a crawl export, or a `newsaudit batch` output): one row, one article, streamed in
    batches of rows. Rows are named `source#N` (N from 0), as a JSONL file's lines are `source:N`."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        yield ReadFailure(source, UnsupportedFormatError("reading Parquet needs pyarrow (pip install pyarrow)"))
        return
    try:
        table = pq.ParquetFile(path)
    except (OSError, ValueError) as error:
        yield ReadFailure(source, InputError(f"not a readable Parquet file ({error})"))
        return
    names = table.schema_arrow.names
    if fields.text_field(names) is None:
        yield ReadFailure(source, EmptyInputError(f"no text column among {', '.join(names[:12])} (use --text-field)"))
        return
    number = 0
    try:
        for batch in table.iter_batches(batch_size=_PARQUET_BATCH):
            for record in batch.to_pylist():
                where = f"{source}#{number}"
                number += 1
                text = record.get(fields.text_field(record) or "")
                if isinstance(text, str) and len(text) > max_bytes and len(text.encode("utf-8")) > max_bytes:
                    yield ReadFailure(where, InputTooLargeError(too_large_message(len(text.encode()), max_bytes)))
                    continue
                yield record_to_document(record, where, "parquet", fields)
    except (OSError, ValueError) as error:
        yield ReadFailure(source, InputError(f"the Parquet file is corrupt after row {number} ({error})"))
