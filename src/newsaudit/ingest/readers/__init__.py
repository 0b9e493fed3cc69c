"""Readers turn files, directories and streams into `RawDocument`s: one per article, still unparsed.

A reader never raises for bad data inside a corpus: a record it cannot read becomes a `ReadFailure` carrying
the record's id and the reason, and reading goes on. Only a wrong argument (a path that does not exist, an
unknown format name) raises.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from newsaudit.errors import InputError, InputTooLargeError, UnsupportedFormatError
from newsaudit.ingest.readers.decode import GZIP_MAGIC, decode, too_large_message

Kind = Literal["html", "text"]
FORMATS = ("html", "text", "jsonl", "json", "csv", "tsv", "warc")

_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".warc": "warc",
    ".arc": "warc",
}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One article as read, before extraction.

    `kind` says how to extract it: `html` goes through the HTML extractor; `text` is plain text. `fields`
    holds metadata a corpus record supplied (title, url, id, authors, published, domain); `titled` says
    whether a plain text starts with its own title line (a text file does, a corpus body does not).
    """

    content: str
    kind: Kind
    source: str
    format: str
    fields: dict[str, Any] = field(default_factory=dict)
    titled: bool = False


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A record that could not be read; the batch records it and goes on."""

    source: str
    error: InputError
    id: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which corpus fields hold what. None means: take the first of the usual names that is present."""

    text: str | None = None
    title: str | None = None
    url: str | None = None
    id: str | None = None

    # The usual names, in order of preference; they cover the FakeNewsCorpus sample (content, title, url, id,
    # authors, domain), FNC-1 bodies (articleBody, Body ID) and common scraper outputs.
    TEXT = ("text", "content", "articleBody", "article_body", "body", "article", "maintext", "html", "raw_html")
    TITLE = ("title", "headline", "Headline", "name")
    URL = ("url", "link", "uri", "source_url", "WARC-Target-URI")
    ID = ("id", "Body ID", "body_id", "article_id", "uuid", "doc_id", "_id")
    AUTHORS = ("authors", "author", "byline", "creator")
    PUBLISHED = ("published", "date", "date_published", "publish_date", "published_at", "datePublished", "pubdate")
    DOMAIN = ("domain", "site", "hostname")

    def pick(self, record: dict[str, Any], chosen: str | None, names: tuple[str, ...]) -> Any:
        if chosen is not None:
            return record.get(chosen)
        for name in names:
            value = record.get(name)
            if value not in (None, ""):
                return value
        return None

    def text_field(self, keys: Iterable[str]) -> str | None:
        """The field that holds the article text, among `keys` (a CSV header or a JSON record's keys)."""
        keys = list(keys)
        if self.text is not None:
            return self.text if self.text in keys else None
        return next((name for name in self.TEXT if name in keys), None)


def detect_format(name: str, head: bytes) -> str:
    """The input format from the file name's extension, else from the first bytes."""
    suffixes = [suffix.lower() for suffix in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    return sniff_format(head)


def sniff_format(head: bytes) -> str:
    if head[:2] == GZIP_MAGIC:
        # The head is a truncated gzip stream: decompress what there is of it.
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 16)
        except zlib.error:
            return "text"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"WARC/", b"filedesc://")):
        return "warc"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl"
        except ValueError:
            if re.match(rb'\{\s*"', stripped):
                return "json"
    # A JSON array of records; a text that merely opens with a bracket ("[Updated] …") stays text.
    if re.match(rb"\[\s*[{\]]", stripped):
        return "json"
    lowered = stripped[:4096].lower()
    if lowered.startswith((b"<!doctype", b"<html", b"<?xml")) or any(
        tag in lowered for tag in (b"<html", b"<body", b"<p>", b"<div", b"<article")
    ):
        return "html"
    first_line = stripped.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    for delimiter, name in ((",", "csv"), ("\t", "tsv")):
        header = [cell.strip().strip('"') for cell in first_line.split(delimiter)]
        if len(header) > 1 and FieldMap().text_field(header):
            return name
    return "text"


def read(
    inputs: Iterable[str | Path],
    *,
    format: str | None = None,
    fields: FieldMap | None = None,
    max_bytes: int = 10_000_000,
    stdin: IO[bytes] | None = None,
) -> Iterator[RawDocument | ReadFailure]:
    """Read every article from `inputs`: files, directories (recursively) or `-` for standard input.

    Raises `UnsupportedFormatError` for an unknown `format` and `FileNotFoundError` for a missing path;
    everything wrong inside the data comes back as `ReadFailure`s.
    """
    if format is not None and format not in FORMATS:
        raise UnsupportedFormatError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    fields = fields or FieldMap()
    for item in inputs:
        if str(item) == "-":
            yield from _read_stream(stdin or sys.stdin.buffer, "<stdin>", format, fields, max_bytes)
            continue
        path = Path(item)
        if path.is_dir():
            for child in _walk(path):
                yield from _read_path(child, format, fields, max_bytes)
        elif path.exists():
            yield from _read_path(path, format, fields, max_bytes)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")


def _walk(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(directory).parts) or not path.is_file():
            continue
        suffixes = [suffix.lower() for suffix in path.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes.pop()
        if suffixes and suffixes[-1] in _EXTENSIONS:
            yield path


def _read_path(path: Path, format: str | None, fields: FieldMap, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    source = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
        chosen = format or detect_format(path.name, head)
        if chosen in ("html", "text", "json"):
            size = path.stat().st_size
            if size > max_bytes:
                raise InputTooLargeError(too_large_message(size, max_bytes))
        with path.open("rb") as handle:
            yield from _read_stream(handle, source, chosen, fields, max_bytes)
    except InputError as error:
        yield ReadFailure(source, error)
    except OSError as error:
        yield ReadFailure(source, InputError(f"cannot read {path}: {error.strerror or error}"))


def _read_stream(
    stream: IO[bytes], source: str, format: str | None, fields: FieldMap, max_bytes: int
) -> Iterator[RawDocument | ReadFailure]:
    from newsaudit.ingest.readers import tables, warc

    try:
        if format is None:
            peek = getattr(stream, "peek", None)
            head = peek(8192)[:8192] if peek else b""
            if not head:
                # Streams that cannot peek are read whole; a corpus that large should come as a file.
                data = _read_limited(stream, max_bytes)
                stream = io.BytesIO(data)
                head = data[:8192]
            format = sniff_format(head)
        if format == "warc":
            yield from warc.read_warc(stream, source, max_bytes)
        elif format == "jsonl":
            yield from tables.read_jsonl(stream, source, fields, max_bytes)
        elif format in ("csv", "tsv"):
            yield from tables.read_csv(stream, source, fields, max_bytes, delimiter="\t" if format == "tsv" else ",")
        elif format == "json":
            yield from tables.read_json(_read_limited(stream, max_bytes), source, fields, max_bytes)
        else:
            text = decode(_read_limited(stream, max_bytes), max_bytes=max_bytes)
            kind: Kind = "html" if format == "html" else "text"
            yield RawDocument(text, kind, source, format, titled=kind == "text")
    except InputError as error:
        yield ReadFailure(source, error)


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLargeError(too_large_message(None, max_bytes))
    return data
