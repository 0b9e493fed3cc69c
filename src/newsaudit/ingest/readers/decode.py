"""Bytes to text: gzip, byte-order marks, declared and detected encodings, and a clear refusal for binary data."""

from __future__ import annotations

import codecs
import re
import zlib

import charset_normalizer

from newsaudit.errors import BinaryInputError, EmptyInputError, InputTooLargeError
from newsaudit.schema.audit import replace_surrogates

GZIP_MAGIC = b"\x1f\x8b"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# Control characters that never occur in real text (tab, newlines, form feed and escape are allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
# Python codecs a page may name that are not character sets: they turn escapes into lone surrogates and control
# characters (unicode-escape), decode host names (idna, punycode) or always fail (undefined). UTF-7 is refused by
# browsers for the same reason: "+2AA-" is a lone surrogate. A page that names one is decoded as if it named none.
_NOT_CHARSETS = frozenset({"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "utf-7"})


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data without ever holding more than `max_bytes` of output (no zip bombs)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as error:
        raise BinaryInputError(f"gzip data is corrupt ({error})") from None
    if len(out) > max_bytes:
        raise InputTooLargeError(
            f"decompressed size is over the {format_size(max_bytes)} limit (raise it with --max-bytes)"
        )
    return out


def decode(data: bytes, *, declared: str | None = None, max_bytes: int | None = None) -> str:
    """Decode one document's bytes to text.

    Order: gzip is undone; a byte-order mark wins; then strict UTF-8 (most of the web); then the charset the
    transport or the HTML itself declares; then detection. Data that still looks binary is refused.
    """
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, max_bytes or len(data) * 200)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputTooLargeError(too_large_message(len(data), max_bytes))
    if not data.strip():
        raise EmptyInputError("the input is empty")
    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data[:65536]:
            raise BinaryInputError("the input is binary data, not text (it contains NUL bytes)")
        text = _try_codec(data, "utf-8")
    if text is None:
        for codec in (declared, _sniff_meta_charset(data)):
            if codec and (text := _try_codec(data, codec)) is not None:
                break
    if text is None:
        encoding = _detect_encoding(data[:1_000_000])
        text = _try_codec(data, encoding) or data.decode(encoding, errors="replace")
    text = replace_surrogates(text)  # UTF-16 with a BOM and detected codecs may still leave one
    if not text.strip():
        raise EmptyInputError("the input holds only white space")
    sample = text[:65536]
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise BinaryInputError("the input is binary data, not text (too many control characters)")
    return text


def too_large_message(size: int | None, max_bytes: int) -> str:
    """Say how large the input is (when known) and how to raise the limit."""
    size_part = f"the input is {format_size(size)}, over" if size is not None else "the input is over"
    return f"{size_part} the {format_size(max_bytes)} limit (raise it with --max-bytes or NEWSAUDIT_MAX_BYTES)"


def format_size(n_bytes: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes} bytes"


def _detect_encoding(data: bytes) -> str:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches or matches[0].chaos > 0.3:
        raise BinaryInputError("the input is binary data or in an unknown encoding")
    best = matches[0]
    # Single-byte Latin texts fit several code pages equally well (French in cp1257 looks as "clean" as in
    # cp1252). Like browsers, prefer Windows-1252, the web's de-facto default, when it fits about as well.
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + 0.02:
            return "cp1252"
    return best.encoding


def _decode_with_bom(data: bytes) -> str | None:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return None


def _try_codec(data: bytes, codec: str) -> str | None:
    try:
        if codecs.lookup(codec).name in _NOT_CHARSETS:
            return None
        return data.decode(codec)
    except (UnicodeError, LookupError):  # UnicodeError, not only UnicodeDecodeError: "undefined" raises it bare
        return None


def _sniff_meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None
