"""Corpus readers: JSON Lines, a JSON array, CSV/TSV. One record, one article; a bad record, one failure."""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
from collections.abc import Iterator
from typing import IO, Any

from newsaudit.errors import EmptyInputError, InputError, InputTooLargeError, UnsupportedFormatError
from newsaudit.ingest.readers import FieldMap, RawDocument, ReadFailure
from newsaudit.ingest.readers.decode import decode, too_large_message

# Enough of a tag soup to say a text field holds a page rather than text (scrapers often store raw HTML).
_LOOKS_LIKE_HTML = re.compile(r"<(html|body|div|p|article|br|span|!doctype)[\s>/]", re.IGNORECASE)


def read_jsonl(stream: IO[bytes], source: str, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    for number, line in enumerate(stream, start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        if len(line) > max_bytes:
            yield ReadFailure(where, InputTooLargeError(too_large_message(len(line), max_bytes)))
            continue
        try:
            record = json.loads(decode(line))
        except ValueError as error:
            yield ReadFailure(where, InputError(f"line {number} is not valid JSON ({error})"))
            continue
        except InputError as error:
            yield ReadFailure(where, error)
            continue
        yield record_to_document(record, where, "jsonl", fields)


def read_json(data: bytes, source: str, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    try:
        value = json.loads(decode(data, max_bytes=max_bytes))
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
    text_stream = codecs.getreader("utf-8-sig")(stream, errors="replace")
    reader = csv.DictReader(text_stream, delimiter=delimiter)
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


def record_to_document(record: Any, where: str, format: str, fields: FieldMap) -> RawDocument | ReadFailure:
    """Map one corpus record onto a `RawDocument` using `fields`."""
    if not isinstance(record, dict):
        return ReadFailure(where, InputError(f"a record must be a JSON object, not {type(record).__name__}"))
    identifier = fields.pick(record, fields.id, FieldMap.ID)
    identifier = None if identifier in (None, "") else str(identifier)
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
    kind = "html" if _LOOKS_LIKE_HTML.search(text[:5000]) else "text"
    return RawDocument(text, kind, where, format, {k: v for k, v in metadata.items() if v})


def _string(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        names = [str(name).strip() for name in value]
    elif isinstance(value, str):
        names = [name.strip() for name in re.split(r";|\|| and |,(?=\s*[A-Z])", value)]
    else:
        return ()
    return tuple(name for name in names if name)
