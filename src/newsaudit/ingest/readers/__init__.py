"""Readers turn files, directories and streams into `RawDocument`s: one per article, still unparsed.

A reader never raises for bad data inside a corpus: a record it cannot read becomes a `ReadFailure` carrying
the record's id and the reason, and reading goes on. Only a wrong argument (a path that does not exist, an
unknown format name) raises.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from newsaudit.errors import InputError, InputTooLargeError, UnsupportedFormatError
from newsaudit.ingest.readers.decode import GZIP_MAGIC, decode, too_large_message

Kind = Literal["html", "text"]
#: The first (and last) four bytes of a Parquet file.
PARQUET_MAGIC = b"PAR1"
FORMATS = ("html", "text", "jsonl", "json", "csv", "tsv", "warc", "parquet")

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
    ".parquet": "parquet",
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
    if head[:4] == PARQUET_MAGIC:
        return "parquet"
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
    on_skip: Callable[[str, str], None] | None = None,
) -> Iterator[RawDocument | ReadFailure]:
    """Read every article from `inputs`: files, directories (recursively) or `-` for standard input.

    Raises `UnsupportedFormatError` for an unknown `format` and `FileNotFoundError` for a missing path at once,
    before anything is read, so a caller that writes as it reads has written nothing. Everything wrong inside
    the data comes back as `ReadFailure`s.

    Every file under a directory becomes documents or a `ReadFailure` (a binary file, a broken symbolic link,
    a pipe), except what these rules leave out, each reported to `on_skip(path, reason)`:

    - hidden names (a leading dot), files and folders alike: reason `"hidden"`;
    - without `format`, a name whose extension is not an input format (`.md`, `.png`, …; a name without an
      extension is read, its content decides): reason `"not an article format"`;
    - a symbolic link back to a folder already walked: reason `"a folder already read (a symbolic link loop)"`.
    """
    if format is not None and format not in FORMATS:
        raise UnsupportedFormatError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    items = [str(item) if str(item) == "-" else Path(item) for item in inputs]
    for item in items:
        if isinstance(item, Path) and not (item.exists() or item.is_symlink()):
            raise FileNotFoundError(f"no such file or directory: {item}")
    return _read_all(items, format, fields or FieldMap(), max_bytes, stdin, on_skip or _ignore)


def input_files(
    inputs: Iterable[str | Path], format: str | None = None, on_skip: Callable[[str, str], None] | None = None
) -> Iterator[Path | ReadFailure]:
    """The files `read` would read, in its order: each named file, and the files under each folder by the same
    rules (a folder that cannot be listed is a `ReadFailure`). Raises `FileNotFoundError` for a missing path."""
    items = [Path(item) for item in inputs]
    for item in items:
        if not (item.exists() or item.is_symlink()):
            raise FileNotFoundError(f"no such file or directory: {item}")
    for item in items:
        if item.is_dir():
            yield from _walk(item, format, on_skip or _ignore)
        else:
            yield item


def count_documents(inputs: Iterable[str | Path], *, format: str | None = None) -> int | None:
    """How many documents and failures `read` will yield, when the names alone tell (every input a file in
    a one-article format: HTML or text, gzip'ed or not); None when some input may hold many (a JSONL, CSV,
    JSON or WARC file, a name without an extension, standard input)."""
    total = 0
    for item in inputs:
        if str(item) == "-":
            return None
        path = Path(item)
        children = _walk(path, format, _ignore) if path.is_dir() else [path]
        for child in children:
            if isinstance(child, Path) and (format or _format_by_name(child.name)) not in ("html", "text"):
                return None
            total += 1
    return total


def _ignore(path: str, reason: str) -> None:
    """The default `on_skip`: nothing to report to."""


def _read_all(
    items: list[str | Path],
    format: str | None,
    fields: FieldMap,
    max_bytes: int,
    stdin: IO[bytes] | None,
    on_skip: Callable[[str, str], None],
) -> Iterator[RawDocument | ReadFailure]:
    for item in items:
        if isinstance(item, str):
            yield from _read_stream(stdin or sys.stdin.buffer, "<stdin>", format, fields, max_bytes)
        elif item.is_dir():
            for child in _walk(item, format, on_skip):
                if isinstance(child, ReadFailure):
                    yield child
                else:
                    yield from _read_path(child, format, fields, max_bytes, walked=True)
        else:
            yield from _read_path(item, format, fields, max_bytes, walked=False)


def _format_by_name(name: str) -> str | None:
    """The input format a file name's extension names (a trailing .gz aside); "" without an extension."""
    suffixes = [suffix.lower() for suffix in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes:
        return ""
    return _EXTENSIONS.get(suffixes[-1])


def _walk(directory: Path, format: str | None, on_skip: Callable[[str, str], None]) -> Iterator[Path | ReadFailure]:
    """The files under `directory` to read, depth first in name order; symbolic links to folders are followed
    once (a loop is not walked twice). A folder that cannot be listed is a `ReadFailure`."""
    seen: set[tuple[int, int]] = set()

    def visit(folder: Path) -> Iterator[Path | ReadFailure]:
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                on_skip(str(folder), "a folder already read (a symbolic link loop)")
                return
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            yield ReadFailure(str(folder), InputError(f"cannot read the folder {folder}: {error.strerror or error}"))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                on_skip(str(path), "hidden")
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                yield from visit(path)
            elif format is not None or _format_by_name(entry.name) is not None:
                yield path
            else:
                on_skip(str(path), "not an article format")

    yield from visit(directory)


def _read_path(
    path: Path, format: str | None, fields: FieldMap, max_bytes: int, *, walked: bool
) -> Iterator[RawDocument | ReadFailure]:
    source = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            if walked:  # a pipe or device inside a folder is not read: it may never end
                raise InputError(f"{path} is not a regular file (a pipe, socket or device)")
            with path.open("rb") as handle:  # named on the command line: read as a stream
                yield from _read_stream(handle, source, format, fields, max_bytes)
            return
        with path.open("rb") as handle:
            head = handle.read(8192)
        chosen = format or detect_format(path.name, head)
        if chosen == "parquet":
            from newsaudit.ingest.readers import tables

            yield from tables.read_parquet(path, source, fields, max_bytes)
            return
        if chosen in ("html", "text", "json"):
            size = info.st_size
            if size > max_bytes:
                raise InputTooLargeError(too_large_message(size, max_bytes))
        with path.open("rb") as handle:
            yield from _read_stream(handle, source, chosen, fields, max_bytes)
    except InputError as error:
        yield ReadFailure(source, error)
    except FileNotFoundError as error:
        if path.is_symlink():
            yield ReadFailure(source, InputError(f"{path} is a broken symbolic link (to {os.readlink(path)})"))
        else:
            yield ReadFailure(source, InputError(f"cannot read {path}: {error.strerror or error}"))
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
        if format == "parquet":
            raise InputError(f"{source}: a Parquet file is read from a file with random access, not from a stream")
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
