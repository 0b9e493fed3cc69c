"""WARC and WARC.gz: every HTML response record is one article; other records (images, scripts, requests,
metadata) are passed over. Uses FastWARC, which streams gzip-compressed archives record by record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from newsaudit.errors import InputError, InputTooLargeError
from newsaudit.ingest.readers import RawDocument, ReadFailure
from newsaudit.ingest.readers.decode import decode, too_large_message

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(stream: IO[bytes], source: str, max_bytes: int) -> Iterator[RawDocument | ReadFailure]:
    records = ArchiveIterator(
        stream,
        record_types=WarcRecordType.response | WarcRecordType.resource,
        parse_http=True,
        auto_decode="all",
        fsspec_args=False,
    )
    seen = 0
    try:
        for record in records:
            where = f"{source}@{record.stream_pos}"
            content_type = (record.http_content_type or record.headers.get("Content-Type") or "").lower()
            if content_type and not content_type.startswith(_HTML_TYPES):
                continue
            if record.is_http and record.http_headers.status_code not in (None, 200, 203):
                continue
            seen += 1
            url = record.headers.get("WARC-Target-URI")
            if record.content_length > max_bytes:
                yield ReadFailure(where, InputTooLargeError(too_large_message(record.content_length, max_bytes)))
                continue
            try:
                html = decode(record.reader.read(), declared=record.http_charset, max_bytes=max_bytes)
            except InputError as error:
                yield ReadFailure(where, error)
                continue
            fields = {"url": url} if url else {}
            if record.record_date is not None:
                fields["crawled"] = record.record_date.isoformat()
            yield RawDocument(html, "html", where, "warc", fields)
    except OSError as error:
        yield ReadFailure(source, InputError(f"the WARC file is corrupt after {seen} article(s): {error}"))
        return
    if seen == 0:
        yield ReadFailure(source, InputError("the WARC file holds no HTML response records"))
