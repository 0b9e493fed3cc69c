"""Ingest: bytes in, `Article` out. Readers turn files, streams and records into `RawDocument`s (or
`ReadFailure`s); extraction turns a `RawDocument` into an `Article`, with site chrome cut out and kept."""

from newsaudit.ingest.chrome import ChromeRules
from newsaudit.ingest.extract import article_id, domain_of, extract_article
from newsaudit.ingest.readers import FORMATS, FieldMap, RawDocument, ReadFailure, detect_format, read, sniff_format

__all__ = [
    "FORMATS",
    "ChromeRules",
    "FieldMap",
    "RawDocument",
    "ReadFailure",
    "article_id",
    "detect_format",
    "domain_of",
    "extract_article",
    "read",
    "sniff_format",
]
